package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * ResourceQuotas: {@link ResourceQuotaValidation} of spec and status, and the NAME / AGE / REQUEST / LIMIT columns
 * ("cpu: 0/1, memory: 0/1Gi").
 */
public final class ResourceQuotaStrategy implements ResourceStrategy<ResourceQuota> {

    /** kube's storage for this resource sets {@code ReturnDeletedObject}: a delete answers with the object. */
    @Override
    public boolean returnsDeletedObject() {
        return true;
    }

    @Override
    public List<FieldError> validate(ResourceQuota q) {
        return ResourceQuotaValidation.validate(q);
    }

    @Override
    public List<FieldError> validateUpdate(ResourceQuota q, ResourceQuota old) {
        return ResourceQuotaValidation.validateUpdate(q, old);
    }

    @Override
    public List<FieldError> validateStatusUpdate(ResourceQuota q, ResourceQuota old) {
        return ResourceQuotaValidation.validateStatus(q);
    }

    @Override
    public List<TableColumn<ResourceQuota>> tableColumns() {
        return List.of(TableColumn.nameColumn(), TableColumn.ageColumn(),
                TableColumn.of("Request", "string", "Request represents a minimum amount of cpu/memory that a "
                        + "container may consume.", q -> usage(q, false)),
                TableColumn.of("Limit", "string", "Limits control the maximum amount of cpu/memory that a container "
                        + "may use independent of contention on the node.", q -> usage(q, true)));
    }

    static String usage(ResourceQuota q, boolean limits) {
        Map<String, Quantity> specHard = q.getSpec() == null || q.getSpec().getHard() == null ? Map.of() : q.getSpec().getHard();
        Map<String, Quantity> hard = q.getStatus() == null || q.getStatus().getHard() == null ? Map.of() : q.getStatus().getHard();
        Map<String, Quantity> used = q.getStatus() == null || q.getStatus().getUsed() == null ? Map.of() : q.getStatus().getUsed();
        List<String> out = new ArrayList<>();
        for (String r : new TreeSet<>(specHard.keySet())) {
            if (r.startsWith("limits.") != limits) {
                continue;
            }
            out.add(r + ": " + text(used.get(r)) + "/" + text(hard.get(r)));
        }
        return String.join(", ", out);
    }

    private static String text(Quantity q) {
        return q == null ? "0" : q.toString();
    }
}
