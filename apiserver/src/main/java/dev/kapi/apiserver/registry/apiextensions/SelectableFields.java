package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.SelectableField;
import tools.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CRD version's {@code selectableFields}: simple JSON paths to string, integer or boolean fields that field
 * selectors may name ({@code ?fieldSelector=spec.color=red}) besides metadata.name and metadata.namespace. An
 * absent field selects as "" (kube's {@code customresource} GetAttrs). At most {@value #MAX} per version.
 */
final class SelectableFields {

    static final int MAX = 8;

    private final Map<String, List<String>> paths = new LinkedHashMap<>();

    private SelectableFields(List<SelectableField> declared) {
        for (SelectableField f : declared) {
            JsonPath path = JsonPath.compile(f.getJsonPath());
            paths.put(f.getJsonPath().substring(1), path.fields());
        }
    }

    /** The selectable fields of {@code version}; none when it declares none. */
    static SelectableFields of(CustomResourceDefinitionVersion version) {
        return new SelectableFields(version.getSelectableFields() == null ? List.of() : version.getSelectableFields());
    }

    /** Each selectable field of {@code obj} by its selector name ({@code spec.color}), "" when absent. */
    Map<String, String> of(GenericKubernetesResource obj) {
        if (paths.isEmpty()) {
            return Map.of();
        }
        Map<String, String> values = new LinkedHashMap<>();
        paths.forEach((name, fields) -> {
            Object at = obj.getAdditionalProperties();
            for (String field : fields) {
                at = at instanceof Map<?, ?> m ? m.get(field) : null;
            }
            values.put(name, at instanceof String || at instanceof Number || at instanceof Boolean ? at.toString() : "");
        });
        return values;
    }

    /** kube's {@code validateSelectableFields}: paths that name a string, integer or boolean field, not metadata. */
    static void validate(CustomResourceDefinitionVersion version, String path, List<FieldError> errs) {
        JsonNode schema = version.getSchema() == null || version.getSchema().getOpenAPIV3Schema() == null ? null
                : Json.tree(version.getSchema().getOpenAPIV3Schema());
        Set<String> unique = new HashSet<>();
        List<SelectableField> fields = version.getSelectableFields();
        for (int i = 0; i < fields.size(); i++) {
            String at = path + "[" + i + "].jsonPath";
            String jsonPath = fields.get(i).getJsonPath();
            if (jsonPath == null || jsonPath.isEmpty()) {
                errs.add(FieldError.required(at, ""));
                continue;
            }
            if (!JsonPath.isSimple(jsonPath)) {
                errs.add(FieldError.invalid(at, jsonPath, "is an invalid path: must be a simple path of fields "
                        + "starting with ., without array notation"));
                continue;
            }
            List<String> names = JsonPath.compile(jsonPath).fields();
            JsonNode node = schema;
            for (String name : names) {
                JsonNode props = node == null ? null : node.get("properties");
                JsonNode next = props != null && props.has(name) ? props.get(name) : null;
                if (next == null && node != null && node.get("additionalProperties") instanceof JsonNode ap
                        && ap.isObject()) {
                    next = ap;
                }
                node = next;
            }
            if (node == null) {
                errs.add(FieldError.invalid(at, jsonPath, "is an invalid path: does not refer to a valid field"));
                continue;
            }
            if (names.get(0).equals("metadata")) {
                errs.add(FieldError.invalid(at, jsonPath, "must not point to fields in metadata"));
            }
            String type = node.path("type").asString("");
            if (!type.equals("string") && !type.equals("boolean") && !type.equals("integer")) {
                errs.add(FieldError.invalid(at, jsonPath, "must point to a field of type string, boolean or integer. "
                        + "Enum string fields and strings with formats are allowed."));
            }
            if (!unique.add(String.join(".", names))) {
                errs.add(FieldError.duplicate(at, jsonPath));
            }
        }
        if (unique.size() > MAX) {
            errs.add(new FieldError(FieldError.Type.TOO_MANY, path, unique.size(), "must have at most " + MAX + " items"));
        }
    }
}
