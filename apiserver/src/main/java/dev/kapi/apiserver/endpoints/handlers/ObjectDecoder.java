package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.protobuf.ProtobufBodies;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.util.List;

/**
 * Decodes a request body into the resource's fabric8 type, as kube-apiserver's decoder with
 * {@code fieldValidation}: the body must be an object of the URL's apiVersion and kind (400 otherwise);
 * unknown fields are pruned and, by the validation directive, ignored ({@code Ignore}), reported in
 * {@code Warning} headers ({@code Warn}, the default) or refused with 400 ({@code Strict}).
 */
public final class ObjectDecoder {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private ObjectDecoder() {
    }

    /** The {@code fieldValidation} query parameter, checked. */
    public static String fieldValidation(RequestScope scope) {
        String v = scope.param("fieldValidation");
        if (v == null || v.isEmpty()) {
            return "Warn";
        }
        if (!v.equals("Ignore") && !v.equals("Warn") && !v.equals("Strict")) {
            throw StatusError.badRequest("fieldValidation must be one of \"Ignore\", \"Warn\" or \"Strict\", got \""
                    + v + "\"");
        }
        return v;
    }

    /**
     * Reads and parses a request body by its Content-Type: JSON (the default), YAML, or Kubernetes protobuf
     * (what kubectl's typed commands send); 415 for anything else, 413 above the size limit.
     */
    public static ObjectNode readBody(RequestScope scope) throws java.io.IOException {
        byte[] body = BodyReader.read(scope.request());
        if (ProtobufBodies.isProtobuf(scope.request().getContentType())) {
            return ProtobufBodies.decode(body);
        }
        return parse(body, BodyReader.isYaml(scope.request()));
    }

    /** Parses raw JSON (or YAML) into a tree; malformed input is a 400. */
    public static ObjectNode parse(byte[] body, boolean yaml) {
        if (body.length == 0) {
            throw StatusError.badRequest("the body of the request was empty");
        }
        try {
            JsonNode n = yaml ? YAML.readTree(body) : Json.MAPPER.readTree(body);
            if (!(n instanceof ObjectNode o)) {
                throw StatusError.badRequest("the body of the request must be a JSON object");
            }
            return o;
        } catch (JacksonException e) {
            throw StatusError.badRequest("the body of the request could not be decoded: " + e.getOriginalMessage());
        }
    }

    /** Decodes a body tree into the resource's type, honouring {@code fieldValidation}. */
    public static HasMetadata decode(RequestScope scope, ObjectNode tree) {
        ResourceDefinition<HasMetadata> def = scope.definition();
        checkTypeMeta(tree, def.apiVersion(), def.kind());
        return decodeAs(scope, tree, def.type());
    }

    /** Decodes a tree into any fabric8 type (e.g. Scale, DeleteOptions), honouring {@code fieldValidation}. */
    public static <T> T decodeAs(RequestScope scope, ObjectNode tree, Class<T> type) {
        String validation = fieldValidation(scope);
        T obj;
        try {
            obj = Json.convert(tree, type);
        } catch (JacksonException e) {
            throw StatusError.badRequest("the body of the request could not be decoded into "
                    + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
        List<String> unknown = UnknownFields.prune(obj);
        if (!unknown.isEmpty()) {
            if (validation.equals("Strict")) {
                StringBuilder m = new StringBuilder("strict decoding error: ");
                for (int i = 0; i < unknown.size(); i++) {
                    m.append(i == 0 ? "" : ", ").append("unknown field \"").append(unknown.get(i)).append('"');
                }
                throw StatusError.badRequest(m.toString());
            }
            if (validation.equals("Warn")) {
                unknown.forEach(f -> scope.warn("unknown field \"" + f + "\""));
            }
        }
        return obj;
    }

    /** The body's apiVersion and kind must be those of the URL (either may be omitted). */
    static void checkTypeMeta(ObjectNode tree, String apiVersion, String kind) {
        JsonNode av = tree.get("apiVersion");
        if (av != null && !av.isNull() && !av.asString().isEmpty() && !av.asString().equals(apiVersion)) {
            throw StatusError.badRequest("the API version in the data (" + av.asString()
                    + ") does not match the expected API version (" + apiVersion + ")");
        }
        JsonNode k = tree.get("kind");
        if (k != null && !k.isNull() && !k.asString().isEmpty() && !k.asString().equals(kind)) {
            throw StatusError.badRequest("the kind in the data (" + k.asString()
                    + ") does not match the expected kind (" + kind + ")");
        }
    }
}
