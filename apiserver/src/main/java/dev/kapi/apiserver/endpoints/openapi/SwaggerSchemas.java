package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.api.schema.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * Turns the OpenAPI v3 schemas of {@link SchemaGenerator} into Swagger 2.0 definitions, as kube-apiserver's
 * {@code /openapi/v2} has them: references point to {@code #/definitions/} and carry their description
 * beside the {@code $ref} (not in an {@code allOf}), the {@code oneOf} of IntOrString
 * becomes {@code type: string, format: int-or-string} and that of Quantity {@code type: string}, and every
 * property whose schema has a strategic-merge-patch strategy carries {@code x-kubernetes-patch-strategy} and
 * {@code x-kubernetes-patch-merge-key} (kubectl 1.27/1.28 compute apply patches from these when the v2
 * document has the kind); {@code nullable}, which Swagger 2 lacks, is left out.
 */
final class SwaggerSchemas {

    static final String REF_PREFIX = "#/definitions/";

    private SwaggerSchemas() {
    }

    /** The v2 form of the v3 schema of {@code definition} (null when unknown: then no patch extensions). */
    static ObjectNode definition(ObjectNode v3, Schema definition) {
        ObjectNode v2 = convert(v3);
        if (definition != null && v2.get("properties") instanceof ObjectNode props) {
            for (Map.Entry<String, JsonNode> p : props.properties()) {
                Schema field = definition.properties().get(p.getKey());
                if (field != null && !field.patchStrategy().isEmpty() && p.getValue() instanceof ObjectNode prop) {
                    if (!field.patchMergeKey().isEmpty()) {
                        prop.put("x-kubernetes-patch-merge-key", field.patchMergeKey());
                    }
                    prop.put("x-kubernetes-patch-strategy", field.patchStrategy());
                }
            }
        }
        return v2;
    }

    /** A deep v2 copy of the v3 schema {@code v3}. */
    static ObjectNode convert(JsonNode v3) {
        ObjectNode out = (ObjectNode) v3.deepCopy();
        rewrite(out);
        return out;
    }

    private static void rewrite(ObjectNode s) {
        if (s.get("allOf") instanceof ArrayNode all && all.size() == 1 && all.get(0).has("$ref")) {
            // OpenAPI 3's wrapped reference; Swagger 2 (and kube's v2) keeps the attributes beside the $ref
            s.remove("allOf");
            s.set("$ref", all.get(0).get("$ref"));
        }
        JsonNode ref = s.get("$ref");
        if (ref != null && ref.isString() && ref.asString().startsWith(SchemaGenerator.REF_PREFIX)) {
            s.put("$ref", REF_PREFIX + ref.asString().substring(SchemaGenerator.REF_PREFIX.length()));
        }
        s.remove("nullable"); // OpenAPI 3 only: kube's v2 of a CRD schema leaves it out
        JsonNode oneOf = s.remove("oneOf");
        if (oneOf != null && !s.has("type")) {
            // Swagger 2 has no oneOf: kube writes IntOrString and Quantity as strings.
            String first = oneOf.isArray() && !oneOf.isEmpty() && oneOf.get(0).has("type")
                    ? oneOf.get(0).get("type").asString() : "string";
            s.put("type", "int-or-string".equals(s.path("format").asString("")) ? "string" : first);
        }
        if (s.get("properties") instanceof ObjectNode props) {
            for (Map.Entry<String, JsonNode> p : props.properties()) {
                if (p.getValue() instanceof ObjectNode o) {
                    rewrite(o);
                }
            }
        }
        if (s.get("items") instanceof ObjectNode items) {
            rewrite(items);
        }
        if (s.get("additionalProperties") instanceof ObjectNode ap) {
            rewrite(ap);
        }
    }
}
