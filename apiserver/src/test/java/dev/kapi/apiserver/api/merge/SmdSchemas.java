package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.api.schema.SchemaBuilder;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a schema written in structured-merge-diff's own schema language (the YAML its tests give
 * {@code typed.NewParser}: named {@code types}, each a {@code map}, {@code list} or {@code scalar}; fields
 * and element types refer to others with {@code namedType} and may override their element relationship),
 * plus {@code root}, the name of the object's type, and builds our {@link Schema} from it:
 * <ul>
 *   <li>{@code map} with {@code fields}: an object with those properties; with {@code elementType}: an
 *       object with additionalProperties (both, as smd allows); {@code elementRelationship: atomic}: map
 *       type {@code atomic}, {@code separable} or none: {@code granular}.</li>
 *   <li>{@code list}: an array; {@code associative} with {@code keys}: list type {@code map} with those
 *       keys, without keys: {@code set}; {@code atomic} or none: {@code atomic}.</li>
 *   <li>{@code scalar} string, numeric, boolean: string, number, boolean. A type whose scalar is
 *       {@code untyped} ({@code __untyped_atomic_}, {@code __untyped_deduced_}, smd's deduced type):
 *       no type and preserve-unknown-fields, map type {@code atomic} when its map is atomic.</li>
 *   <li>A field's {@code default}: the default value of its schema (default_keys_test).</li>
 * </ul>
 * A named type is one definition (so recursive types are cyclic schemas); a use that overrides its
 * element relationship or gives a default is a reference to it with that attribute of its own.
 */
final class SmdSchemas {

    private final Map<String, JsonNode> types = new LinkedHashMap<>();
    private final Map<String, Schema> declared = new HashMap<>();

    private SmdSchemas(JsonNode spec) {
        for (JsonNode t : spec.get("types")) {
            String name = t.get("name").asString();
            types.put(name, t);
            declared.put(name, SchemaBuilder.declare(name));
        }
        types.forEach((name, t) -> atom(t).define(declared.get(name)));
    }

    /** The schema of {@code spec.root} in the types of {@code spec}. */
    static Schema build(JsonNode spec) {
        SmdSchemas s = new SmdSchemas(spec);
        String root = spec.get("root").asString();
        Schema schema = s.declared.get(root);
        if (schema == null) {
            throw new IllegalArgumentException("no type " + root);
        }
        return schema;
    }

    /** A builder with the structure of an atom: a named type's body or an inlined type. */
    private SchemaBuilder atom(JsonNode atom) {
        if ("untyped".equals(text(atom, "scalar"))) {
            SchemaBuilder b = SchemaBuilder.node().preserveUnknownFields();
            if (atom.has("map") && "atomic".equals(text(atom.get("map"), "elementRelationship"))) {
                b.mapType("atomic");
            }
            if (atom.has("list")) {
                b.listType(listType(atom.get("list"), text(atom.get("list"), "elementRelationship")));
            }
            return b;
        }
        if (atom.has("map")) {
            JsonNode map = atom.get("map");
            SchemaBuilder b = SchemaBuilder.node().type("object");
            if (map.has("fields")) {
                for (JsonNode f : map.get("fields")) {
                    b.property(f.get("name").asString(), typeRef(f.get("type"), f.get("default")));
                }
            }
            if (map.has("elementType")) {
                b.additionalProperties(typeRef(map.get("elementType"), null));
            }
            b.mapType(mapType(text(map, "elementRelationship")));
            return b;
        }
        if (atom.has("list")) {
            JsonNode list = atom.get("list");
            SchemaBuilder b = SchemaBuilder.node().type("array").items(typeRef(list.get("elementType"), null));
            String listType = listType(list, text(list, "elementRelationship"));
            b.listType(listType);
            if (listType.equals("map")) {
                b.listMapKeys(keys(list));
            }
            return b;
        }
        if (atom.has("scalar")) {
            return SchemaBuilder.node().type(switch (atom.get("scalar").asString()) {
                case "string" -> "string";
                case "numeric" -> "number";
                case "boolean" -> "boolean";
                default -> throw new IllegalArgumentException("scalar " + atom.get("scalar"));
            });
        }
        throw new IllegalArgumentException("not an atom: " + atom);
    }

    /** The schema of a TypeRef: a named type (itself, or a reference with overrides) or an inlined atom. */
    private Schema typeRef(JsonNode ref, JsonNode defaultValue) {
        String relationship = text(ref, "elementRelationship");
        if (ref.has("namedType")) {
            String name = ref.get("namedType").asString();
            Schema def = declared.get(name);
            if (def == null) {
                throw new IllegalArgumentException("no type " + name);
            }
            if (relationship == null && defaultValue == null) {
                return def;
            }
            SchemaBuilder b = SchemaBuilder.reference(def);
            if (relationship != null) {
                override(b, types.get(name), relationship);
            }
            return withDefault(b, defaultValue).build();
        }
        SchemaBuilder b = atom(ref);
        if (relationship != null) {
            override(b, ref, relationship);
        }
        return withDefault(b, defaultValue).build();
    }

    /** smd's Resolve: a use-site element relationship replaces the referred map's or list's own. */
    private static void override(SchemaBuilder b, JsonNode atom, String relationship) {
        if (atom.has("map")) {
            b.mapType(mapType(relationship));
        } else if (atom.has("list")) {
            String listType = listType(atom.get("list"), relationship);
            b.listType(listType);
            if (listType.equals("map")) {
                b.listMapKeys(keys(atom.get("list")));
            }
        } else {
            throw new IllegalArgumentException("element relationship on a scalar: " + atom);
        }
    }

    private static SchemaBuilder withDefault(SchemaBuilder b, JsonNode defaultValue) {
        return defaultValue == null ? b : b.defaultValue(defaultValue);
    }

    private static String mapType(String relationship) {
        return "atomic".equals(relationship) ? "atomic" : "granular";
    }

    private static String listType(JsonNode list, String relationship) {
        if ("associative".equals(relationship)) {
            return keys(list).isEmpty() ? "set" : "map";
        }
        return "atomic";
    }

    private static List<String> keys(JsonNode list) {
        List<String> keys = new ArrayList<>();
        if (list.has("keys")) {
            list.get("keys").forEach(k -> keys.add(k.asString()));
        }
        return keys;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }
}
