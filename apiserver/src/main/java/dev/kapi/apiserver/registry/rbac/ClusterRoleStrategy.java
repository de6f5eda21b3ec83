package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;

import java.util.ArrayList;
import java.util.List;

/** rbac.authorization.k8s.io/v1 clusterroles: path-segment names, rules (URLs allowed), aggregation rule. */
public final class ClusterRoleStrategy implements ResourceStrategy<ClusterRole> {

    /** A PUT of a missing one creates it, as in kube. */
    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public List<String> validateName(String name) {
        return NameValidation.pathSegmentName(name);
    }

    @Override
    public List<FieldError> validate(ClusterRole role) {
        List<FieldError> errs = new ArrayList<>(RbacValidation.rules(role.getRules(), false));
        errs.addAll(RbacValidation.aggregationRule(role.getAggregationRule()));
        return errs;
    }

    @Override
    public List<TableColumn<ClusterRole>> tableColumns() {
        return RbacColumns.role();
    }
}
