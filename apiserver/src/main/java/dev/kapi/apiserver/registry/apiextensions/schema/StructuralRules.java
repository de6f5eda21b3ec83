package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.GoRegexp;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube's structural schema invariants ({@code schema/validation.go}, {@code complete.go}): a type at every
 * level unless preserve-unknown-fields or int-or-string, object at the root, no additionalProperties at the
 * root, embedded resources as objects, root metadata restricting only name and generateName, and value
 * validations (allOf/anyOf/oneOf/not) that only restrict what the structure already specifies.
 */
final class StructuralRules {

    enum Level { ROOT, ITEM, FIELD }

    /** Keywords a root metadata schema may carry besides properties (name, generateName) and type. */
    private static final Set<String> METADATA_IGNORED = Set.of("type", "default", "properties", "example", "externalDocs");

    private StructuralRules() {
    }

    static void invariants(JsonNode s, Level lvl, String path, List<FieldError> out) {
        if (s == null || !s.isObject()) {
            return;
        }
        String type = Raw.text(s, "type");
        boolean intOrString = Raw.isTrue(s, "x-kubernetes-int-or-string");
        boolean preserve = Raw.isTrue(s, "x-kubernetes-preserve-unknown-fields");
        boolean embedded = Raw.isTrue(s, "x-kubernetes-embedded-resource");
        JsonNode items = s.get("items");
        if (type.equals("array") && (items == null || !items.isObject())) {
            out.add(FieldError.required(Raw.child(path, "items"), "must be specified"));
        }
        if (items != null && items.isObject()) {
            invariants(items, Level.ITEM, Raw.child(path, "items"), out);
        }
        JsonNode props = s.get("properties");
        if (props != null && props.isObject()) {
            for (Map.Entry<String, JsonNode> p : props.properties()) {
                invariants(p.getValue(), Level.FIELD, Raw.key(Raw.child(path, "properties"), p.getKey()), out);
            }
        }
        boolean hasAdditional = Raw.present(s, "additionalProperties");
        if (hasAdditional) {
            if (lvl == Level.ROOT) {
                out.add(FieldError.forbidden(Raw.child(path, "additionalProperties"), "must not be used at the root"));
            }
            invariants(s.get("additionalProperties"), Level.FIELD, Raw.child(path, "additionalProperties"), out);
        }
        if (intOrString && preserve) {
            out.add(FieldError.invalid(Raw.child(path, "x-kubernetes-preserve-unknown-fields"), true,
                    "must be false if x-kubernetes-int-or-string is true"));
        }
        if (intOrString && embedded) {
            out.add(FieldError.invalid(Raw.child(path, "x-kubernetes-embedded-resource"), true,
                    "must be false if x-kubernetes-int-or-string is true"));
        }
        valueValidation(s, intOrStringAnyOf(s), intOrStringAllOf(s), path, out);
        if (embedded && !type.equals("object")) {
            String detail = "must be object if x-kubernetes-embedded-resource is true";
            out.add(type.isEmpty() ? FieldError.required(Raw.child(path, "type"), detail)
                    : FieldError.invalid(Raw.child(path, "type"), type, detail));
        } else if (type.isEmpty() && !intOrString && !preserve) {
            out.add(FieldError.required(Raw.child(path, "type"), switch (lvl) {
                case ROOT -> "must not be empty at the root";
                case ITEM -> "must not be empty for specified array items";
                case FIELD -> "must not be empty for specified object fields";
            }));
        }
        if (embedded && hasAdditional) {
            out.add(FieldError.forbidden(Raw.child(path, "additionalProperties"),
                    "must not be used if x-kubernetes-embedded-resource is set"));
        }
        if (lvl == Level.ROOT && !type.isEmpty() && !type.equals("object")) {
            out.add(FieldError.invalid(Raw.child(path, "type"), type, "must be object at the root"));
        }
        boolean checkMetadata = lvl == Level.ROOT || embedded;
        if (props != null && props.isObject()) {
            for (String meta : List.of("kind", "apiVersion")) {
                JsonNode p = props.get(meta);
                if (checkMetadata && p != null && p.isObject() && !Raw.text(p, "type").equals("string")) {
                    out.add(FieldError.invalid(Raw.child(Raw.key(Raw.child(path, "properties"), meta), "type"),
                            Raw.text(p, "type"), "must be string"));
                }
            }
            JsonNode metadata = props.get("metadata");
            if (metadata != null && metadata.isObject()) {
                metadata(metadata, checkMetadata, lvl, Raw.key(Raw.child(path, "properties"), "metadata"), out);
            }
        }
        if (embedded && !preserve && !Raw.nonEmpty(s, "properties")) {
            out.add(FieldError.required(Raw.child(path, "properties"),
                    "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
        }
    }

    private static void metadata(JsonNode m, boolean checkMetadata, Level lvl, String path, List<FieldError> out) {
        if (checkMetadata && !Raw.text(m, "type").equals("object")) {
            out.add(FieldError.invalid(Raw.child(path, "type"), Raw.text(m, "type"), "must be object"));
        }
        if (lvl != Level.ROOT) {
            return;
        }
        boolean other = false;
        JsonNode props = m.get("properties");
        if (props != null && props.isObject() && !props.isEmpty()) {
            boolean name = props.has("name");
            boolean generateName = props.has("generateName");
            other = !((name && generateName && props.size() == 2) || ((name || generateName) && props.size() == 1));
        }
        for (Map.Entry<String, JsonNode> e : m.properties()) {
            if (!METADATA_IGNORED.contains(e.getKey()) && !zero(e.getValue())) {
                other = true;
            }
        }
        if (other) {
            out.add(FieldError.forbidden(path,
                    "must not specify anything other than name and generateName, but metadata is implicitly specified"));
        }
    }

    /** Whether a keyword's JSON is Go's zero value (unset) in JSONSchemaProps. */
    private static boolean zero(JsonNode v) {
        return v.isNull() || (v.isBoolean() && !v.booleanValue()) || (v.isString() && v.stringValue().isEmpty())
                || (v.isContainer() && v.isEmpty());
    }

    private static void valueValidation(JsonNode v, boolean skipAnyOf, boolean skipFirstAllOfAnyOf, String path,
            List<FieldError> out) {
        if (!skipAnyOf) {
            junctor(v, "anyOf", path, -1, out);
        }
        junctor(v, "allOf", path, skipFirstAllOfAnyOf ? 0 : -1, out);
        junctor(v, "oneOf", path, -1, out);
        JsonNode not = v.get("not");
        if (not != null && not.isObject()) {
            nested(not, false, Raw.child(path, "not"), out);
        }
        String pattern = Raw.text(v, "pattern");
        if (!pattern.isEmpty()) {
            try {
                GoRegexp.compile(pattern);
            } catch (RuntimeException e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                out.add(FieldError.invalid(Raw.child(path, "pattern"), pattern,
                        "must be a valid regular expression, but isn't: " + why));
            }
        }
    }

    private static void junctor(JsonNode v, String name, String path, int skipAnyOfAt, List<FieldError> out) {
        JsonNode list = v.get(name);
        if (list != null && list.isArray()) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).isObject()) {
                    nested(list.get(i), i == skipAnyOfAt, Raw.index(Raw.child(path, name), i), out);
                }
            }
        }
    }

    private static void nested(JsonNode v, boolean skipAnyOf, String path, List<FieldError> out) {
        valueValidation(v, skipAnyOf, false, path, out);
        JsonNode items = v.get("items");
        if (items != null && items.isObject()) {
            nested(items, false, Raw.child(path, "items"), out);
        }
        JsonNode props = v.get("properties");
        if (props != null && props.isObject()) {
            for (Map.Entry<String, JsonNode> p : props.properties()) {
                if (p.getValue().isObject()) {
                    nested(p.getValue(), false, Raw.key(Raw.child(path, "properties"), p.getKey()), out);
                }
            }
        }
        forbid(v, "type", "must be empty to be structural", path, out);
        forbid(v, "additionalProperties", "must be undefined to be structural", path, out);
        forbid(v, "default", "must be undefined to be structural", path, out);
        forbid(v, "title", "must be empty to be structural", path, out);
        forbid(v, "description", "must be empty to be structural", path, out);
        forbid(v, "nullable", "must be false to be structural", path, out);
        forbid(v, "x-kubernetes-preserve-unknown-fields", "must be false to be structural", path, out);
        forbid(v, "x-kubernetes-embedded-resource", "must be false to be structural", path, out);
        forbid(v, "x-kubernetes-int-or-string", "must be false to be structural", path, out);
        forbid(v, "x-kubernetes-list-map-keys", "must be empty to be structural", path, out);
        forbid(v, "x-kubernetes-list-type", "must be undefined to be structural", path, out);
        forbid(v, "x-kubernetes-map-type", "must be undefined to be structural", path, out);
        forbid(v, "x-kubernetes-validations", "must be empty to be structural", path, out);
        if (props != null && props.isObject() && props.has("metadata")) {
            out.add(FieldError.forbidden(Raw.key(Raw.child(path, "properties"), "metadata"),
                    "must not be specified in a nested context"));
        }
    }

    private static void forbid(JsonNode v, String key, String detail, String path, List<FieldError> out) {
        JsonNode value = v.get(key);
        if (value != null && (key.equals("default") ? !value.isNull() : !zero(value))) {
            out.add(FieldError.forbidden(Raw.child(path, key), detail));
        }
    }

    /** The int-or-string exception: {@code anyOf: [{type: integer}, {type: string}]} exactly. */
    private static boolean intOrStringAnyOf(JsonNode s) {
        JsonNode anyOf = s.get("anyOf");
        return anyOf != null && anyOf.isArray() && anyOf.size() == 2
                && onlyType(anyOf.get(0), "integer") && onlyType(anyOf.get(1), "string");
    }

    /** The int-or-string exception: {@code allOf[0]} is the anyOf pattern. */
    private static boolean intOrStringAllOf(JsonNode s) {
        JsonNode allOf = s.get("allOf");
        return allOf != null && allOf.isArray() && !allOf.isEmpty() && allOf.get(0).isObject()
                && intOrStringAnyOf(allOf.get(0));
    }

    private static boolean onlyType(JsonNode n, String type) {
        if (n == null || !n.isObject() || !Raw.text(n, "type").equals(type)) {
            return false;
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getKey().equals("type") && !zero(e.getValue())) {
                return false;
            }
        }
        return true;
    }
}
