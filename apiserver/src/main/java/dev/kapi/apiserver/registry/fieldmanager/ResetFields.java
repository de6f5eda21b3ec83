package dev.kapi.apiserver.registry.fieldmanager;

import dev.kapi.apiserver.api.fieldpath.FieldSet;
import dev.kapi.apiserver.registry.ResourceDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The fields a write through one endpoint never changes, so never owns (kube's strategies'
 * {@code GetResetFields}): the resource itself resets {@code status} when it has a status subresource, and the
 * status subresource resets everything but {@code status} (our store takes nothing else from a status write,
 * metadata included, where kube's status strategies keep metadata changes of some kinds); a pod's
 * {@code ephemeralcontainers} resets everything but {@code spec.ephemeralContainers} (kube's include filter).
 */
final class ResetFields {

    private static final FieldSet STATUS = FieldSet.of(List.of(FieldManager.path("status")));
    private static final Set<String> KEPT_BY_STATUS = Set.of("status", "apiVersion", "kind");
    private static final Set<String> KEPT_BY_EPHEMERAL_CONTAINERS = Set.of("spec", "apiVersion", "kind");

    private ResetFields() {
    }

    static FieldSet of(ResourceDefinition<?> definition, String subresource) {
        if (subresource.isEmpty()) {
            return definition.hasSubresource("status") ? STATUS : FieldSet.empty();
        }
        if (subresource.equals("status")) {
            List<List<dev.kapi.apiserver.api.fieldpath.PathElement>> paths = new ArrayList<>();
            for (String field : definition.schema().properties().keySet()) {
                if (!KEPT_BY_STATUS.contains(field)) {
                    paths.add(FieldManager.path(field));
                }
            }
            return FieldSet.of(paths);
        }
        if (subresource.equals("ephemeralcontainers")) {
            List<List<dev.kapi.apiserver.api.fieldpath.PathElement>> paths = new ArrayList<>();
            for (String field : definition.schema().properties().keySet()) {
                if (!KEPT_BY_EPHEMERAL_CONTAINERS.contains(field)) {
                    paths.add(FieldManager.path(field));
                }
            }
            for (String field : definition.schema().properties().get("spec").properties().keySet()) {
                if (!field.equals("ephemeralContainers")) {
                    paths.add(FieldManager.path("spec", field));
                }
            }
            return FieldSet.of(paths);
        }
        return FieldSet.empty();
    }
}
