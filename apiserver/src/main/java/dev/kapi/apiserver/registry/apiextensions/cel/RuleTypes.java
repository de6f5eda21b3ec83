package dev.kapi.apiserver.registry.apiextensions.cel;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CEL type of a schema node, as kube's SchemaDeclType: an object with properties is a struct whose fields
 * are its properties ({@code self.field} is type-checked, {@code has(self.field)} tests presence), an object
 * with additionalProperties a {@code map(string, V)}, an array a {@code list(E)}, int-or-string and
 * preserve-unknown-fields without properties {@code dyn}. A resource root (and an embedded resource) also has
 * {@code apiVersion}, {@code kind} and {@code metadata.name}/{@code metadata.generateName}. Struct names are
 * unique per compilation so that no rule can depend on them.
 */
final class RuleTypes implements CelTypeProvider {

    private final String prefix;
    private final Map<String, CelType> structs = new LinkedHashMap<>();

    RuleTypes(String prefix) {
        this.prefix = prefix;
    }

    CelType of(RuleSchema s, boolean resourceRoot) {
        return type(s, resourceRoot, prefix);
    }

    private CelType type(RuleSchema s, boolean resourceRoot, String name) {
        if (s.intOrString()) {
            return SimpleType.DYN;
        }
        return switch (s.type()) {
            case "string" -> SimpleType.STRING;
            case "integer" -> SimpleType.INT;
            case "number" -> SimpleType.DOUBLE;
            case "boolean" -> SimpleType.BOOL;
            case "array" -> ListType.create(s.items() == null ? SimpleType.DYN
                    : type(s.items(), s.items().embeddedResource(), name + ".@idx"));
            case "object" -> objectType(s, resourceRoot || s.embeddedResource(), name);
            default -> SimpleType.DYN;
        };
    }

    private CelType objectType(RuleSchema s, boolean resource, String name) {
        if (s.additionalProperties() != null) {
            RuleSchema v = s.additionalProperties();
            return MapType.create(SimpleType.STRING, type(v, v.embeddedResource(), name + ".@elem"));
        }
        if (s.properties().isEmpty() && !resource) {
            return s.preserveUnknownFields() ? SimpleType.DYN : MapType.create(SimpleType.STRING, SimpleType.DYN);
        }
        Map<String, CelType> fields = new LinkedHashMap<>();
        if (resource) {
            fields.put("apiVersion", SimpleType.STRING);
            fields.put("kind", SimpleType.STRING);
            fields.put("metadata", metadataType(name + ".metadata"));
        }
        for (Map.Entry<String, RuleSchema> p : s.properties().entrySet()) {
            if (resource && fields.containsKey(p.getKey())) {
                continue;
            }
            RuleSchema ps = p.getValue();
            fields.put(p.getKey(), type(ps, ps.embeddedResource(), name + "." + p.getKey()));
        }
        StructType t = StructType.create(name, ImmutableSet.copyOf(fields.keySet()),
                f -> Optional.ofNullable(fields.get(f)));
        structs.put(name, t);
        return t;
    }

    private CelType metadataType(String name) {
        Map<String, CelType> fields = Map.of("name", SimpleType.STRING, "generateName", SimpleType.STRING);
        StructType t = StructType.create(name, ImmutableSet.of("name", "generateName"),
                f -> Optional.ofNullable(fields.get(f)));
        structs.put(name, t);
        return t;
    }

    @Override
    public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(structs.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
        return Optional.ofNullable(structs.get(typeName));
    }
}
