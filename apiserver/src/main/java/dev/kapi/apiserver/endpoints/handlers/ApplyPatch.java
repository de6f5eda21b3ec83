package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.patch.PatchType;
import dev.kapi.apiserver.registry.fieldmanager.FieldManager;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.util.List;

/**
 * A server-side apply: PATCH with {@code application/apply-patch+yaml} (YAML or JSON), as kube's
 * {@code applyPatcher}. The body is the manager's whole intent for the object; the {@link FieldManager} merges
 * it into the live object (or into nothing: apply creates), prunes what the manager no longer sets, and refuses
 * changes to fields other managers own unless {@code force=true}. {@code fieldManager} is required; a duplicate
 * key in the YAML is an error under {@code fieldValidation=Strict} (the default) and a warning under Warn.
 */
final class ApplyPatch {

    private static final YAMLMapper STRICT = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final YAMLMapper LENIENT = YAMLMapper.builder().build();
    /** A JSON body (what kubectl and most clients send) is read as JSON: the same tree, several times faster. */
    private static final JsonMapper STRICT_JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private ApplyPatch() {
    }

    static void handle(RequestScope scope) throws IOException {
        String manager = scope.param("fieldManager");
        if (manager == null || manager.isEmpty()) {
            throw StatusError.invalid("PatchOptions", "meta.k8s.io", "",
                    List.of(FieldError.required("fieldManager", "is required for apply patch")));
        }
        boolean force = force(scope);
        boolean dryRun = scope.dryRun();
        var options = scope.updateOptions(dryRun);
        ObjectNode config = parse(scope, BodyReader.read(scope.request()));
        FieldManager fields = FieldManager.of(scope.definition(), scope.writeScope().subresource());
        WritePipeline.Applied<HasMetadata> applied = scope.writes().apply(scope.writeScope(), scope.name(), live -> {
            ObjectNode out = fields.apply(live, config, manager, force);
            HasMetadata next = ObjectDecoder.decodePatched(scope, out, PatchType.APPLY, null, scope.definition().type());
            UrlObjectName.check(scope, next);
            return next;
        }, options, scope::authorizeCreate);
        scope.definition().strategy().warnings(applied.object()).forEach(scope::warn);
        ObjectWriter.writeObject(scope, applied.created() ? 201 : 200, applied.object());
    }

    /** kube rejects {@code force} on other patches; here it is read for apply. */
    static boolean force(RequestScope scope) {
        String v = scope.param("force");
        if (v == null || v.isEmpty() || v.equals("false") || v.equals("0")) {
            return false;
        }
        if (v.equals("true") || v.equals("1")) {
            return true;
        }
        throw StatusError.badRequest("invalid value for force: strconv.ParseBool: parsing \"" + v
                + "\": invalid syntax");
    }

    /** The apply configuration: a YAML (or JSON) object; 400 {@code error decoding YAML: ...} otherwise. */
    private static ObjectNode parse(RequestScope scope, byte[] body) {
        boolean json = ObjectDecoder.startsAnObject(body);
        JsonNode n;
        try {
            n = strict(body, json);
        } catch (JacksonException e) {
            String duplicate = duplicateKey(e);
            if (duplicate == null) {
                throw StatusError.badRequest("error decoding YAML: " + e.getOriginalMessage());
            }
            // sigs.k8s.io/yaml's strict error, which kube's applyPatcher reports or warns by fieldValidation
            String error = "error converting YAML to JSON: yaml: unmarshal errors:\n  line "
                    + e.getLocation().getLineNr() + ": key \"" + duplicate + "\" already set in map";
            String validation = ObjectDecoder.fieldValidation(scope);
            if ("Strict".equals(validation)) {
                throw StatusError.badRequest("error strict decoding YAML: " + error);
            }
            if ("Warn".equals(validation)) {
                scope.warn(error);
            }
            try {
                n = LENIENT.readTree(body);
            } catch (JacksonException syntax) { // a duplicate key first, then a syntax error further on
                throw StatusError.badRequest("error decoding YAML: " + syntax.getOriginalMessage());
            }
        }
        if (!(n instanceof ObjectNode o)) {
            throw StatusError.badRequest("error decoding YAML: error unmarshaling JSON: while decoding JSON: json: "
                    + "cannot unmarshal " + (n == null || n.isMissingNode() ? "null" : n.getNodeType().name()
                    .toLowerCase(java.util.Locale.ROOT)) + " into Go value of type map[string]interface {}");
        }
        return o;
    }

    /**
     * The body read with duplicate keys refused: as JSON when it looks like JSON (several times faster), as YAML
     * when it is not JSON after all (a YAML flow mapping also starts with a brace).
     */
    private static JsonNode strict(byte[] body, boolean json) {
        if (json) {
            try {
                return STRICT_JSON.readTree(body);
            } catch (JacksonException e) {
                if (duplicateKey(e) != null) {
                    throw e;
                }
            }
        }
        return STRICT.readTree(body);
    }

    /** The key a duplicate-key error names (Jackson 3: {@code Duplicate Object property "k"}), or null. */
    private static String duplicateKey(JacksonException e) {
        String m = e.getOriginalMessage();
        if (m == null || !m.startsWith("Duplicate")) {
            return null;
        }
        int open = m.indexOf('"');
        int close = m.indexOf('"', open + 1);
        return open >= 0 && close > open ? m.substring(open + 1, close) : "";
    }
}
