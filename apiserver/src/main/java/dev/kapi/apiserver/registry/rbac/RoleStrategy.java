package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.rbac.Role;

import java.util.List;

/** rbac.authorization.k8s.io/v1 roles: path-segment names, rules valid in a namespace. */
public final class RoleStrategy implements ResourceStrategy<Role> {

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
    public List<FieldError> validate(Role role) {
        return RbacValidation.rules(role.getRules(), true);
    }

    @Override
    public List<TableColumn<Role>> tableColumns() {
        return RbacColumns.role();
    }
}
