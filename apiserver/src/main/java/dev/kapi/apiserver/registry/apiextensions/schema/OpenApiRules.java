package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.FieldError;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube's {@code ValidateCustomResourceDefinitionOpenAPISchema} for a v1 CRD: unsupported keywords, the
 * uniqueItems and additionalProperties-with-properties bans, defaults inside resource metadata,
 * preserve-unknown-fields false, and the list-type, list-map-keys and map-type rules. Works on the raw JSON so
 * that keywords the structural model drops ({@code $ref}, {@code definitions}, array items) are seen.
 */
final class OpenApiRules {

    private static final Set<String> META = Set.of("metadata", "kind", "apiVersion");
    private static final List<String> TYPES = List.of("array", "boolean", "integer", "number", "object", "string");

    /** The validator state kube threads through the walk (specStandardValidatorV3). */
    private record Ctx(boolean allowDefaults, String disallowReason, boolean insideMeta) {
        Ctx forbidDefaults(String reason) {
            return new Ctx(false, reason, insideMeta);
        }

        Ctx inMeta() {
            return new Ctx(allowDefaults, disallowReason, true);
        }
    }

    private OpenApiRules() {
    }

    static void check(JsonNode schema, String path, List<FieldError> out) {
        walk(schema, path, new Ctx(true, "", false), true, out);
    }

    private static void walk(JsonNode s, String path, Ctx ctx, boolean isRoot, List<FieldError> out) {
        if (s == null || !s.isObject()) {
            return;
        }
        standard(s, path, ctx, out);
        if (Raw.isTrue(s, "uniqueItems")) {
            out.add(FieldError.forbidden(Raw.child(path, "uniqueItems"),
                    "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
        }
        JsonNode ap = s.get("additionalProperties");
        JsonNode props = s.get("properties");
        boolean hasProps = props != null && props.isObject() && !props.isEmpty();
        if (ap != null && !ap.isNull()) {
            if (hasProps && (ap.isObject() || (ap.isBoolean() && !ap.booleanValue()))) {
                out.add(FieldError.forbidden(Raw.child(path, "additionalProperties"),
                        "additionalProperties and properties are mutual exclusive"));
            }
            Ctx sub = ctx.insideMeta ? ctx.forbidDefaults("inside additionalProperties applying to object metadata") : ctx;
            walk(ap, Raw.child(path, "additionalProperties"), sub, false, out);
        }
        if (hasProps) {
            for (Map.Entry<String, JsonNode> p : props.properties()) {
                Ctx sub = ctx;
                if ((isRoot || Raw.isTrue(s, "x-kubernetes-embedded-resource")) && META.contains(p.getKey())) {
                    sub = sub.inMeta();
                    if (isRoot) {
                        sub = sub.forbidDefaults("in top-level " + p.getKey());
                    }
                }
                walk(p.getValue(), Raw.key(Raw.child(path, "properties"), p.getKey()), sub, false, out);
            }
        }
        walk(s.get("not"), Raw.child(path, "not"), ctx, false, out);
        for (String junctor : List.of("allOf", "oneOf", "anyOf")) {
            JsonNode list = s.get(junctor);
            if (list != null && list.isArray()) {
                for (int i = 0; i < list.size(); i++) {
                    walk(list.get(i), Raw.index(Raw.child(path, junctor), i), ctx, false, out);
                }
            }
        }
        JsonNode defs = s.get("definitions");
        if (defs != null && defs.isObject()) {
            for (Map.Entry<String, JsonNode> d : defs.properties()) {
                walk(d.getValue(), Raw.key(Raw.child(path, "definitions"), d.getKey()), ctx, false, out);
            }
        }
        JsonNode items = s.get("items");
        if (items != null && items.isObject()) {
            walk(items, Raw.child(path, "items"), ctx, false, out);
        } else if (items != null && items.isArray()) {
            for (int i = 0; i < items.size(); i++) {
                walk(items.get(i), Raw.index(Raw.child(path, "items"), i), ctx, false, out);
            }
        }
        JsonNode deps = s.get("dependencies");
        if (deps != null && deps.isObject()) {
            for (Map.Entry<String, JsonNode> d : deps.properties()) {
                walk(d.getValue(), Raw.key(Raw.child(path, "dependencies"), d.getKey()), ctx, false, out);
            }
        }
        ListAndMapRules.check(s, path, out);
    }

    /** specStandardValidatorV3.validate. */
    private static void standard(JsonNode s, String path, Ctx ctx, List<FieldError> out) {
        String type = Raw.text(s, "type");
        if (!type.isEmpty() && !TYPES.contains(type)) {
            out.add(FieldError.notSupported(Raw.child(path, "type"), type, TYPES));
        }
        JsonNode def = s.get("default");
        if (def != null && !def.isNull() && !ctx.allowDefaults) {
            out.add(FieldError.forbidden(Raw.child(path, "default"),
                    "must not be set" + (ctx.disallowReason.isEmpty() ? "" : " " + ctx.disallowReason)));
        }
        if (!Raw.text(s, "id").isEmpty()) {
            out.add(FieldError.forbidden(Raw.child(path, "id"), "id is not supported"));
        }
        if (Raw.present(s, "additionalItems")) {
            out.add(FieldError.forbidden(Raw.child(path, "additionalItems"), "additionalItems is not supported"));
        }
        if (Raw.nonEmpty(s, "patternProperties")) {
            out.add(FieldError.forbidden(Raw.child(path, "patternProperties"), "patternProperties is not supported"));
        }
        if (Raw.nonEmpty(s, "definitions")) {
            out.add(FieldError.forbidden(Raw.child(path, "definitions"), "definitions is not supported"));
        }
        if (Raw.present(s, "dependencies")) {
            out.add(FieldError.forbidden(Raw.child(path, "dependencies"), "dependencies is not supported"));
        }
        if (Raw.present(s, "$ref")) {
            out.add(FieldError.forbidden(Raw.child(path, "$ref"), "$ref is not supported"));
        }
        if (type.equals("null")) {
            out.add(FieldError.forbidden(Raw.child(path, "type"), "type cannot be set to null, use nullable as an alternative"));
        }
        JsonNode items = s.get("items");
        if (items != null && items.isArray() && !items.isEmpty()) {
            out.add(FieldError.forbidden(Raw.child(path, "items"), "items must be a schema object and not an array"));
        }
        if (ctx.insideMeta && Raw.isTrue(s, "x-kubernetes-embedded-resource")) {
            out.add(FieldError.forbidden(Raw.child(path, "x-kubernetes-embedded-resource"), "must not be used inside of resource meta"));
        }
    }
}
