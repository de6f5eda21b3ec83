package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.audit.AuditContext;
import dev.kapi.apiserver.endpoints.decoding.DecodeErrors;
import dev.kapi.apiserver.endpoints.decoding.GoJson;
import dev.kapi.apiserver.endpoints.decoding.GoQuoted;
import dev.kapi.apiserver.endpoints.decoding.UnmappedFields;
import dev.kapi.apiserver.endpoints.patch.PatchType;
import dev.kapi.apiserver.endpoints.protobuf.ProtobufBodies;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.util.List;
import java.util.Set;

/**
 * Decodes a request body into the resource's fabric8 type, as kube-apiserver's decoder with
 * {@code fieldValidation}: the body must be an object of the URL's apiVersion and kind (400 otherwise);
 * fields the resource's schema does not know ({@link UnknownFields}, against
 * {@link ResourceDefinition#schema()}, or the built-in schema of a subresource's type) are pruned and, by the
 * validation directive, ignored ({@code Ignore}), reported in
 * {@code Warning} headers ({@code Warn}, the default) or refused with 400 ({@code Strict}). Values are decoded
 * as strictly as Go's encoding/json ({@link GoJson}): a value of the wrong type is a 400 in kube's words,
 * {@code Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go
 * struct field DeploymentSpec.spec.replicas of type int32}.
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
            return audited(scope, ProtobufBodies.decode(body));
        }
        return parse(body, BodyReader.isYaml(scope.request()));
    }

    /** Reads a body and decodes it into the resource's own type (see the next method). */
    public static HasMetadata readObject(RequestScope scope) throws java.io.IOException {
        ResourceDefinition<HasMetadata> def = scope.definition();
        return readObject(scope, def.type(), def.apiVersion(), def.kind());
    }

    /**
     * Reads a body and decodes it, once, into {@code type}: the resource's own, or the kind of a subresource
     * (autoscaling/v1 Scale, policy/v1 Eviction, authentication.k8s.io/v1 TokenRequest). The body's apiVersion
     * must be {@code apiVersion} (or one of {@code alsoAccepted}) and its kind {@code kind}, when given. Does
     * what {@link #readBody} then {@link #decode} do, with the same answers, but a JSON body goes straight into
     * the type, without the intermediate tree; when that does not succeed cleanly (malformed JSON, a type or
     * field error, a bad {@code fieldValidation}), the body is decoded again through the tree, which gives the
     * exact error.
     */
    public static <T extends HasMetadata> T readObject(RequestScope scope, Class<T> type, String apiVersion,
                                                       String kind, String... alsoAccepted)
            throws java.io.IOException {
        Expected<T> expected = new Expected<>(type, apiVersion, kind, Set.of(alsoAccepted));
        byte[] body = BodyReader.read(scope.request());
        if (ProtobufBodies.isProtobuf(scope.request().getContentType())) {
            return decode(scope, audited(scope, ProtobufBodies.decode(body)), expected);
        }
        boolean yaml = BodyReader.isYaml(scope.request());
        T obj = null;
        if (!yaml && startsAnObject(body)) {
            obj = decodeDirectly(scope, body, expected);
        }
        if (obj == null) {
            obj = decode(scope, parse(body, yaml), expected);
        }
        ManagedFieldsReset.mark(obj, body, yaml);
        return obj;
    }

    /** A protobuf body's tree, handed to the request's audit event (which reads JSON and YAML bodies itself). */
    static ObjectNode audited(RequestScope scope, ObjectNode decoded) {
        AuditContext.of(scope.request()).requestObject(decoded);
        return decoded;
    }

    /** What a body must decode into: a type, and the apiVersion(s) and kind its type meta may name. */
    private record Expected<T extends HasMetadata>(Class<T> type, String apiVersion, String kind,
                                                   Set<String> alsoAccepted) {
        static Expected<HasMetadata> of(ResourceDefinition<HasMetadata> def) {
            return new Expected<>(def.type(), def.apiVersion(), def.kind(), Set.of());
        }
    }

    /** The typed object of a JSON body when everything succeeds, unknown fields warned about; else null. */
    static HasMetadata decodeDirectly(RequestScope scope, byte[] body) {
        return decodeDirectly(scope, body, Expected.of(scope.definition()));
    }

    private static <T extends HasMetadata> T decodeDirectly(RequestScope scope, byte[] body, Expected<T> expected) {
        T obj;
        String validation;
        UnmappedFields unmapped = new UnmappedFields();
        try {
            validation = fieldValidation(scope);
            obj = unmapped.reader(expected.type()).readValue(body);
            checkTypeMeta(obj.getApiVersion(), obj.getKind(), expected);
        } catch (JacksonException | StatusError e) {
            return null;
        }
        List<String> unknown = UnknownFields.prune(obj, schemaOf(scope, expected.type()), unmapped);
        if (!unknown.isEmpty() && validation.equals("Strict")) {
            return null;
        }
        if (!unknown.isEmpty() && validation.equals("Warn")) {
            reported(unknown, obj).forEach(f -> scope.warn("unknown field \"" + f + "\""));
        }
        return obj;
    }

    /**
     * The unknown fields reported of those found in {@code obj}: all of a custom resource's (kube's pruning names
     * each), the first 100 of a built-in type's (kube's strict JSON decoder keeps no more).
     */
    static List<String> reported(List<String> unknown, Object obj) {
        return unknown.size() <= 100 || obj instanceof GenericKubernetesResource ? unknown : unknown.subList(0, 100);
    }

    /** Whether the first non-blank byte of a body opens a JSON object. */
    static boolean startsAnObject(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '{';
            }
        }
        return false;
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
        return decode(scope, tree, Expected.of(scope.definition()));
    }

    private static <T extends HasMetadata> T decode(RequestScope scope, ObjectNode tree, Expected<T> expected) {
        checkTypeMeta(typeMetaField(tree, "apiVersion", expected.kind()), typeMetaField(tree, "kind", expected.kind()),
                expected);
        return decodeAs(scope, tree, expected.type());
    }

    /**
     * Decodes a tree into any fabric8 type (e.g. Scale, TokenRequest), honouring {@code fieldValidation}; a
     * value of the wrong type, or an unknown field under {@code Strict}, is kube's 400
     * {@code <Kind> in version "<v>" cannot be handled as a <Kind>: ...} (its create and update handlers' words).
     */
    public static <T> T decodeAs(RequestScope scope, ObjectNode tree, Class<T> type) {
        String validation = fieldValidation(scope);
        ResourceDefinition<HasMetadata> def = scope.definition();
        String kind = def != null && def.type() == type ? def.kind() : type.getSimpleName();
        String cannot = kind + " in version \"" + version(tree, scope) + "\" cannot be handled as a " + kind + ": ";
        T obj;
        UnmappedFields unmapped = new UnmappedFields();
        try {
            obj = unmapped.reader(type).readValue(tree);
        } catch (JacksonException e) {
            throw StatusError.badRequest(cannot + DecodeErrors.message(e, tree));
        }
        return checkUnknownFields(scope, validation, obj, schemaOf(scope, type), unmapped, cannot);
    }

    /**
     * Decodes an options body (DeleteOptions) as kube does: strictly, a wrong value being a 400 with Go's
     * message alone; unknown fields are dropped.
     */
    public static <T> T decodeOptions(ObjectNode tree, Class<T> type) {
        T obj;
        try {
            obj = GoJson.MAPPER.treeToValue(tree, type);
        } catch (JacksonException e) {
            throw StatusError.badRequest(DecodeErrors.message(e, tree));
        }
        UnknownFields.prune(obj, BuiltInSchemas.of(type));
        return obj;
    }

    /**
     * Decodes the result of a patch ({@code patched}, of the request's {@code type} and {@code patch} body)
     * into the resource's type. As in kube, a value of the wrong type is a 422 on the field {@code patch}
     * whose value is the patched object (the patch itself for a strategic merge patch); a result that is not
     * an object is a 400.
     */
    public static <T> T decodePatched(RequestScope scope, JsonNode patched, PatchType type, byte[] patch,
                                      Class<T> into) {
        if (!(patched instanceof ObjectNode tree)) {
            throw StatusError.badRequest("the patch must produce a JSON object");
        }
        String validation = fieldValidation(scope);
        T obj;
        UnmappedFields unmapped = new UnmappedFields();
        try {
            obj = unmapped.reader(into).readValue(tree);
        } catch (JacksonException e) {
            String value = type == PatchType.STRATEGIC ? new String(patch, java.nio.charset.StandardCharsets.UTF_8)
                    : Json.string(tree);
            throw StatusError.invalid("", "", "", List.of(FieldError.invalid("patch", new GoQuoted(value),
                    DecodeErrors.message(e, tree))));
        }
        return checkUnknownFields(scope, validation, obj, schemaOf(scope, into), unmapped, "");
    }

    /** The schema of {@code type}: the resource's own for its type, else the built-in type's. */
    private static Schema schemaOf(RequestScope scope, Class<?> type) {
        ResourceDefinition<HasMetadata> def = scope.definition();
        return def != null && def.type() == type ? def.schema() : BuiltInSchemas.of(type);
    }

    /** The version kube names in decode errors: the body's apiVersion's version, else the URL's. */
    private static String version(ObjectNode tree, RequestScope scope) {
        JsonNode av = tree.get("apiVersion");
        String apiVersion = av != null && av.isString() && !av.stringValue().isEmpty() ? av.stringValue()
                : scope.definition().apiVersion();
        return apiVersion.substring(apiVersion.lastIndexOf('/') + 1);
    }

    /** Prunes unknown fields; under {@code Strict} they are a 400 whose message starts with {@code prefix}. */
    private static <T> T checkUnknownFields(RequestScope scope, String validation, T obj, Schema schema,
                                            UnmappedFields unmapped, String prefix) {
        List<String> unknown = reported(UnknownFields.prune(obj, schema, unmapped), obj);
        if (!unknown.isEmpty()) {
            if (validation.equals("Strict")) {
                StringBuilder m = new StringBuilder(prefix).append("strict decoding error: ");
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

    /**
     * The body's apiVersion and kind must be those of the URL (either may be omitted), and strings: kube's
     * 400 {@code the object provided is unrecognized} otherwise.
     */
    static void checkTypeMeta(ObjectNode tree, String apiVersion, String kind) {
        checkTypeMeta(typeMetaField(tree, "apiVersion", kind), typeMetaField(tree, "kind", kind), apiVersion, kind);
    }

    private static String typeMetaField(ObjectNode tree, String field, String kind) {
        JsonNode n = tree.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isString()) {
            String summary = Json.string(tree);
            throw StatusError.badRequest("the object provided is unrecognized (must be of type " + kind
                    + "): couldn't get version/kind; json parse error: json: cannot unmarshal "
                    + (n.isNumber() ? "number" : n.isBoolean() ? "bool" : n.isArray() ? "array" : "object")
                    + " into Go struct field ." + field + " of type string ("
                    + (summary.length() > 30 ? summary.substring(0, 30) + " ..." : summary) + ")");
        }
        return n.stringValue();
    }

    private static void checkTypeMeta(String bodyApiVersion, String bodyKind, Expected<?> expected) {
        if (bodyApiVersion != null && expected.alsoAccepted().contains(bodyApiVersion)) {
            bodyApiVersion = null;
        }
        checkTypeMeta(bodyApiVersion, bodyKind, expected.apiVersion(), expected.kind());
    }

    private static void checkTypeMeta(String bodyApiVersion, String bodyKind, String apiVersion, String kind) {
        if (bodyApiVersion != null && !bodyApiVersion.isEmpty() && !bodyApiVersion.equals(apiVersion)) {
            throw StatusError.badRequest("the API version in the data (" + bodyApiVersion
                    + ") does not match the expected API version (" + apiVersion + ")");
        }
        if (bodyKind != null && !bodyKind.isEmpty() && !bodyKind.equals(kind)) {
            throw StatusError.badRequest("the kind in the data (" + bodyKind
                    + ") does not match the expected kind (" + kind + ")");
        }
    }
}
