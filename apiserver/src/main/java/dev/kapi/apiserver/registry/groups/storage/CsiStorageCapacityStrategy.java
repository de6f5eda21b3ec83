package dev.kapi.apiserver.registry.groups.storage;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.LabelSelectorValidation;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.CSIStorageCapacity;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * storage.k8s.io/v1 csistoragecapacities (namespaced): a storageClassName that is a DNS-1123 subdomain, a
 * valid nodeTopology selector, and capacity and maximumVolumeSize not negative.
 */
public final class CsiStorageCapacityStrategy implements ResourceStrategy<CSIStorageCapacity> {

    @Override
    public List<FieldError> validate(CSIStorageCapacity c) {
        List<FieldError> errs = new ArrayList<>();
        String sc = Objects.toString(c.getStorageClassName(), "");
        if (sc.isEmpty()) {
            errs.add(FieldError.required("storageClassName", ""));
        } else {
            for (String msg : NameValidation.dns1123Subdomain(sc)) {
                errs.add(FieldError.invalid("storageClassName", sc, msg));
            }
        }
        if (c.getNodeTopology() != null) {
            errs.addAll(LabelSelectorValidation.validate(c.getNodeTopology(), "nodeTopology"));
        }
        nonNegative(c.getCapacity(), "capacity", errs);
        nonNegative(c.getMaximumVolumeSize(), "maximumVolumeSize", errs);
        return errs;
    }

    private static void nonNegative(Quantity q, String path, List<FieldError> errs) {
        if (q != null && q.getNumericalAmount().signum() < 0) {
            errs.add(FieldError.invalid(path, q.toString(), "must be greater than or equal to 0"));
        }
    }

    @Override
    public List<TableColumn<CSIStorageCapacity>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("StorageClassName", "string",
                        "storageClassName represents the name of the StorageClass that the reported capacity applies to.",
                        c -> Objects.toString(c.getStorageClassName(), "")),
                TableColumn.of("Capacity", "string",
                        "capacity is the value reported by the CSI driver in its GetCapacityResponse.",
                        c -> c.getCapacity() == null ? "<unset>" : c.getCapacity().toString()),
                TableColumn.ageColumn());
    }
}
