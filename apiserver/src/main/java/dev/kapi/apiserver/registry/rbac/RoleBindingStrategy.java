package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.util.List;

/** rbac.authorization.k8s.io/v1 rolebindings: a Role or ClusterRole ref (immutable) and subjects. */
public final class RoleBindingStrategy implements ResourceStrategy<RoleBinding> {

    /** A PUT of a missing one creates it, as in kube. */
    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public void applyDefaults(RoleBinding b) {
        RbacValidation.defaultRoleRef(b.getRoleRef());
        RbacValidation.defaultSubjects(b.getSubjects());
    }

    @Override
    public List<String> validateName(String name) {
        return NameValidation.pathSegmentName(name);
    }

    @Override
    public List<FieldError> validate(RoleBinding b) {
        return RbacValidation.binding(b.getRoleRef(), b.getSubjects(), true);
    }

    @Override
    public List<FieldError> validateUpdate(RoleBinding b, RoleBinding old) {
        List<FieldError> errs = new java.util.ArrayList<>(validate(b));
        RbacValidation.roleRefUnchanged(b.getRoleRef(), old.getRoleRef(), errs);
        return errs;
    }

    @Override
    public List<TableColumn<RoleBinding>> tableColumns() {
        return RbacColumns.binding(RoleBinding::getRoleRef, RoleBinding::getSubjects,
                "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. "
                        + "If the RoleRef cannot be resolved, the Authorizer must return an error. "
                        + "This field is immutable.");
    }
}
