package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.FieldError;
import tools.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CRD-time rules on kube's vendor extensions of one schema node: preserve-unknown-fields must be true,
 * map-type is atomic or granular on objects, list-type is atomic, set or map on arrays, set items are atomic,
 * list-map-keys name required-or-defaulted, non-nullable scalar properties of object items.
 */
final class ListAndMapRules {

    private ListAndMapRules() {
    }

    static void check(JsonNode s, String path, List<FieldError> out) {
        JsonNode preserve = s.get("x-kubernetes-preserve-unknown-fields");
        if (preserve != null && preserve.isBoolean() && !preserve.booleanValue()) {
            out.add(FieldError.invalid(Raw.child(path, "x-kubernetes-preserve-unknown-fields"), false, "must be true or undefined"));
        }
        String type = Raw.text(s, "type");
        boolean hasMapType = Raw.present(s, "x-kubernetes-map-type");
        String mapType = Raw.text(s, "x-kubernetes-map-type");
        if (hasMapType && !type.equals("object")) {
            typeError(path, type, "must be object if x-kubernetes-map-type is specified", out);
        }
        if (hasMapType && !mapType.equals("atomic") && !mapType.equals("granular")) {
            out.add(FieldError.notSupported(Raw.child(path, "x-kubernetes-map-type"), mapType, List.of("atomic", "granular")));
        }
        boolean hasListType = Raw.present(s, "x-kubernetes-list-type");
        String listType = Raw.text(s, "x-kubernetes-list-type");
        JsonNode items = s.get("items");
        JsonNode itemSchema = items != null && items.isObject() ? items : null;
        if (hasListType && !type.equals("array")) {
            typeError(path, type, "must be array if x-kubernetes-list-type is specified", out);
        } else if (listType.equals("set") && itemSchema != null) {
            String itemType = Raw.text(itemSchema, "type");
            String atomic = "must be atomic as item of a list with x-kubernetes-list-type=set";
            if (itemType.equals("array") && Raw.present(itemSchema, "x-kubernetes-list-type")
                    && !Raw.text(itemSchema, "x-kubernetes-list-type").equals("atomic")) {
                out.add(FieldError.invalid(Raw.child(Raw.child(path, "items"), "x-kubernetes-list-type"),
                        Raw.text(itemSchema, "x-kubernetes-list-type"), atomic));
            } else if (itemType.equals("object") && !Raw.text(itemSchema, "x-kubernetes-map-type").equals("atomic")) {
                Object bad = Raw.present(itemSchema, "x-kubernetes-list-type") ? Raw.text(itemSchema, "x-kubernetes-list-type") : null;
                out.add(FieldError.invalid(Raw.child(Raw.child(path, "items"), "x-kubernetes-map-type"), bad, atomic));
            }
        }
        if (hasListType && !listType.equals("atomic") && !listType.equals("set") && !listType.equals("map")) {
            out.add(FieldError.notSupported(Raw.child(path, "x-kubernetes-list-type"), listType, List.of("atomic", "set", "map")));
        }
        List<String> keys = Raw.strings(s, "x-kubernetes-list-map-keys");
        if (!keys.isEmpty()) {
            if (!hasListType) {
                out.add(FieldError.required(Raw.child(path, "x-kubernetes-list-type"), "must be map if x-kubernetes-list-map-keys is non-empty"));
            } else if (!listType.equals("map")) {
                out.add(FieldError.invalid(Raw.child(path, "x-kubernetes-list-type"), listType, "must be map if x-kubernetes-list-map-keys is non-empty"));
            }
        }
        if (listType.equals("map")) {
            mapList(s, path, keys, items, itemSchema, out);
        }
        if (itemSchema != null && (listType.equals("set") || listType.equals("map"))) {
            keysRequiredOrDefaulted(path, listType, keys, itemSchema, out);
        }
    }

    private static void mapList(JsonNode s, String path, List<String> keys, JsonNode items, JsonNode itemSchema,
            List<FieldError> out) {
        if (keys.isEmpty()) {
            out.add(FieldError.required(Raw.child(path, "x-kubernetes-list-map-keys"), "must not be empty if x-kubernetes-list-type is map"));
        }
        if (items == null || items.isNull()) {
            out.add(FieldError.required(Raw.child(path, "items"), "must have a schema if x-kubernetes-list-type is map"));
        } else if (itemSchema == null) {
            out.add(FieldError.invalid(Raw.child(path, "items"), "", "must only have a single schema if x-kubernetes-list-type is map"));
        }
        if (itemSchema == null) {
            return;
        }
        String itemType = Raw.text(itemSchema, "type");
        if (!itemType.equals("object")) {
            out.add(FieldError.invalid(Raw.child(Raw.child(path, "items"), "type"), itemType,
                    "must be object if parent array's x-kubernetes-list-type is map"));
            return;
        }
        JsonNode props = itemSchema.get("properties");
        Set<String> seen = new HashSet<>();
        Object keysValue = new GoText.Rendered(keys.stream().map(GoQuote::quote)
                .collect(Collectors.joining(", ", "[]string{", "}")));
        for (String k : keys) {
            JsonNode p = props != null && props.isObject() ? props.get(k) : null;
            if (p != null && p.isObject()) {
                String t = Raw.text(p, "type");
                if (t.equals("array") || t.equals("object")) {
                    out.add(FieldError.invalid(Raw.child(Raw.key(Raw.child(Raw.child(path, "items"), "properties"), k), "type"),
                            itemType, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
                }
            } else {
                out.add(FieldError.invalid(Raw.child(path, "x-kubernetes-list-map-keys"), keysValue,
                        "entries must all be names of item properties"));
            }
            if (!seen.add(k)) {
                out.add(FieldError.invalid(Raw.child(path, "x-kubernetes-list-map-keys"), keysValue, "must not contain duplicate entries"));
            }
        }
    }

    /** validateMapListKeysMapSet: set and map items are not nullable; map keys are required or defaulted. */
    private static void keysRequiredOrDefaulted(String path, String listType, List<String> keys, JsonNode itemSchema,
            List<FieldError> out) {
        String items = Raw.child(path, "items");
        if (Raw.isTrue(itemSchema, "nullable")) {
            out.add(FieldError.forbidden(Raw.child(items, "nullable"), "cannot be nullable when x-kubernetes-list-type is " + listType));
        }
        if (!listType.equals("map")) {
            return;
        }
        List<String> required = Raw.strings(itemSchema, "required");
        JsonNode props = itemSchema.get("properties");
        for (String k : keys) {
            JsonNode p = props != null && props.isObject() ? props.get(k) : null;
            if (p == null || !p.isObject()) {
                continue;
            }
            String prop = Raw.key(Raw.child(items, "properties"), k);
            if (!required.contains(k) && !Raw.present(p, "default")) {
                out.add(FieldError.required(Raw.child(prop, "default"),
                        "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
            }
            if (Raw.isTrue(p, "nullable")) {
                out.add(FieldError.forbidden(Raw.child(prop, "nullable"), "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"));
            }
        }
    }

    private static void typeError(String path, String type, String detail, List<FieldError> out) {
        if (type.isEmpty()) {
            out.add(FieldError.required(Raw.child(path, "type"), detail));
        } else {
            out.add(FieldError.invalid(Raw.child(path, "type"), type, detail));
        }
    }
}
