package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.FieldError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * One CRD version's openAPIV3Schema read once, for the per-write steps in kube's order: {@link #applyDefaults},
 * {@link #prune}, {@link #validate}. Same results as the static {@link CustomDefaulting}, {@link CustomPruning}
 * and {@link CustomResourceValidator}, without reading the schema JSON again on every write. Immutable and
 * thread-safe; no method throws.
 */
public final class PreparedSchema {

    private final Node root;
    private final CustomResourceValidator validator;

    public PreparedSchema(JsonNode openAPIV3Schema) {
        this.root = Node.of(openAPIV3Schema);
        this.validator = new CustomResourceValidator(openAPIV3Schema);
    }

    /** See {@link CustomDefaulting#apply}. */
    public void applyDefaults(ObjectNode object) {
        CustomDefaulting.apply(root, object);
    }

    /** See {@link CustomPruning#prune}. */
    public List<String> prune(ObjectNode object, boolean isResourceRoot) {
        return CustomPruning.prune(root, object, isResourceRoot);
    }

    /** See {@link CustomResourceValidator#validate}. */
    public List<FieldError> validate(JsonNode object) {
        return validator.validate(object);
    }
}
