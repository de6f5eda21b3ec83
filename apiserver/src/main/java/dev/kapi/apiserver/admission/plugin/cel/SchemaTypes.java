package dev.kapi.apiserver.admission.plugin.cel;

import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.kapi.apiserver.api.schema.Schema;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The CEL type of an object's schema for type checking (kube's {@code SchemaDeclType}): an object with properties
 * is a struct of them (a resource root also has {@code apiVersion}, {@code kind} and {@code metadata}), an object
 * with additionalProperties a map, an array a list, strings with format {@code byte}, {@code duration},
 * {@code date} and {@code date-time} bytes, duration and timestamp. Where kube would leave a field untyped
 * (int-or-string, no type, several types, unknown fields preserved without properties) the field is dyn, so
 * type checking never warns about what kube cannot know either. Structs are made when first looked into, so
 * recursive schemas are fine; their names are unique to this instance.
 */
final class SchemaTypes {

    private static final Set<String> TYPE_META = Set.of("apiVersion", "kind");

    private final String prefix;
    private final AdmissionTypes registry;
    private final Map<Schema, CelType> converted = new IdentityHashMap<>();
    private int counter;

    SchemaTypes(String prefix, AdmissionTypes registry) {
        this.prefix = prefix;
        this.registry = registry;
    }

    /** The type of a resource's root schema. */
    CelType root(Schema schema) {
        return schema == null ? SimpleType.DYN : of(schema, true);
    }

    private CelType of(Schema s, boolean resourceRoot) {
        if (!resourceRoot) {
            CelType known = converted.get(s);
            if (known != null) {
                return known;
            }
        }
        CelType t = convert(s, resourceRoot);
        if (!resourceRoot) {
            converted.put(s, t);
        }
        return t;
    }

    private CelType convert(Schema s, boolean resourceRoot) {
        if (s.intOrString() || !s.oneOf().isEmpty()) {
            return SimpleType.DYN;
        }
        return switch (s.type()) {
            case "array" -> s.items() == null ? SimpleType.DYN
                    : ListType.create(of(s.items(), s.items().embeddedResource()));
            case "object" -> object(s, resourceRoot || s.embeddedResource());
            case "string" -> switch (s.format()) {
                case "byte" -> SimpleType.BYTES;
                case "duration" -> SimpleType.DURATION;
                case "date", "date-time" -> SimpleType.TIMESTAMP;
                default -> SimpleType.STRING;
            };
            case "boolean" -> SimpleType.BOOL;
            case "number" -> SimpleType.DOUBLE;
            case "integer" -> SimpleType.INT;
            default -> SimpleType.DYN;
        };
    }

    private CelType object(Schema s, boolean resource) {
        if (s.additionalProperties() != null) {
            Schema v = s.additionalProperties();
            return MapType.create(SimpleType.STRING, of(v, v.embeddedResource()));
        }
        if (s.properties().isEmpty() && (s.preserveUnknownFields() || !resource)) {
            return s.preserveUnknownFields() ? SimpleType.DYN : MapType.create(SimpleType.STRING, SimpleType.DYN);
        }
        Map<String, Schema> fields = new LinkedHashMap<>(s.properties());
        Map<String, CelType> extra = new LinkedHashMap<>();
        if (resource && !hasTypeAndObjectMeta(s)) {
            TYPE_META.forEach(f -> extra.put(f, SimpleType.STRING));
            extra.put("metadata", nameOnlyMetadata());
            fields.keySet().removeAll(extra.keySet());
        }
        String name = prefix + "." + (counter++);
        Map<String, CelType> resolved = new java.util.concurrent.ConcurrentHashMap<>(extra);
        ImmutableSet<String> names = ImmutableSet.<String>builder().addAll(extra.keySet()).addAll(fields.keySet()).build();
        StructType t = StructType.create(name, names, f -> {
            CelType known = resolved.get(f);
            if (known == null && fields.containsKey(f)) {
                Schema child = fields.get(f);
                known = of(child, child.embeddedResource());
                resolved.put(f, known);
            }
            return Optional.ofNullable(known);
        });
        registry.register(t);
        return t;
    }

    private static boolean hasTypeAndObjectMeta(Schema s) {
        Schema meta = s.properties().get("metadata");
        return "string".equals(type(s.properties().get("kind"))) && "string".equals(type(s.properties().get("apiVersion")))
                && meta != null && "object".equals(meta.type())
                && "string".equals(type(meta.properties().get("name")))
                && "string".equals(type(meta.properties().get("generateName")));
    }

    private static String type(Schema s) {
        return s == null ? "" : s.type();
    }

    private CelType nameOnlyMetadata() {
        Map<String, CelType> fields = Map.of("name", SimpleType.STRING, "generateName", SimpleType.STRING);
        StructType t = StructType.create(prefix + "." + (counter++), ImmutableSet.of("name", "generateName"),
                f -> Optional.ofNullable(fields.get(f)));
        registry.register(t);
        return t;
    }
}
