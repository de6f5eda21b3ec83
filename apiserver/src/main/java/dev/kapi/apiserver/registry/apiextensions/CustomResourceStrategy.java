package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The strategy of one served version of a custom resource (kube's {@code customresource.strategy}): the
 * schema's defaults, validation by the structural schema and the CEL rules of the version (with the old
 * object for transition rules on update and on status writes), the version's printer columns and its
 * selectable fields. While the
 * CRD is being deleted no new object may be created (405, as kube).
 */
final class CustomResourceStrategy implements ResourceStrategy<GenericKubernetesResource> {

    private final GroupResource resource;
    private final VersionRules rules;
    private final List<TableColumn<GenericKubernetesResource>> columns;
    private final BooleanSupplier terminating;
    private final SelectableFields selectable;

    CustomResourceStrategy(GroupResource resource, VersionRules rules,
                           List<TableColumn<GenericKubernetesResource>> columns, BooleanSupplier terminating,
                           SelectableFields selectable) {
        this.resource = resource;
        this.rules = rules;
        this.columns = columns;
        this.terminating = terminating;
        this.selectable = selectable;
    }

    @Override
    public void applyDefaults(GenericKubernetesResource obj) {
        if (!rules.hasDefaults()) {
            return;
        }
        ObjectNode tree = (ObjectNode) Json.tree(obj);
        rules.applyDefaults(tree);
        Map<String, Object> fields = Json.convert(tree, GenericKubernetesResource.class).getAdditionalProperties();
        obj.getAdditionalProperties().clear();
        obj.getAdditionalProperties().putAll(fields);
    }

    @Override
    public void prepareForCreate(GenericKubernetesResource obj) {
        if (terminating.getAsBoolean()) {
            throw StatusError.methodNotAllowed(resource,
                    "create not allowed while custom resource definition is terminating");
        }
    }

    @Override
    public List<FieldError> validate(GenericKubernetesResource obj) {
        return rules.validate(Json.tree(obj), null);
    }

    @Override
    public List<FieldError> validateUpdate(GenericKubernetesResource obj, GenericKubernetesResource old) {
        return rules.validate(Json.tree(obj), Json.tree(old));
    }

    @Override
    public List<FieldError> validateStatusUpdate(GenericKubernetesResource obj, GenericKubernetesResource old) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode tree = Json.tree(obj);
        for (FieldError e : rules.validate(tree, Json.tree(old))) {
            if (e.field().equals("status") || e.field().startsWith("status.") || e.field().startsWith("status[")) {
                errs.add(e);
            }
        }
        return errs;
    }

    @Override
    public Map<String, String> selectableFields(GenericKubernetesResource obj) {
        return selectable.of(obj);
    }

    @Override
    public List<TableColumn<GenericKubernetesResource>> tableColumns() {
        return columns;
    }

    /** kube's: a PUT must name the resourceVersion it replaces. */
    @Override
    public boolean allowUnconditionalUpdate() {
        return false;
    }
}
