package dev.kapi.apiserver.registry.groups.coordination;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

import java.util.ArrayList;
import java.util.List;

/** coordination.k8s.io/v1 leases: duration positive, transitions non-negative; HOLDER column. */
public final class LeaseStrategy implements ResourceStrategy<Lease> {

    /** A PUT of a missing one creates it, as in kube. */
    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public List<FieldError> validate(Lease lease) {
        List<FieldError> errs = new ArrayList<>();
        if (lease.getSpec() != null) {
            FieldChecks.positive(lease.getSpec().getLeaseDurationSeconds(), "spec.leaseDurationSeconds", errs);
            FieldChecks.nonNegative(lease.getSpec().getLeaseTransitions(), "spec.leaseTransitions", errs);
        }
        return errs;
    }

    @Override
    public List<TableColumn<Lease>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Holder", "string", "holderIdentity contains the identity of the holder of a current lease.",
                        l -> l.getSpec() == null || l.getSpec().getHolderIdentity() == null ? ""
                                : l.getSpec().getHolderIdentity()),
                TableColumn.ageColumn());
    }
}
