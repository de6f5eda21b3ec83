package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.util.List;

/** The {@code rbac.authorization.k8s.io/v1} resources, in kube's discovery order. */
public final class RbacResources {

    public static final String GROUP = RbacValidation.GROUP;
    public static final String VERSION = "v1";

    private RbacResources() {
    }

    public static List<ResourceDefinition<?>> all(RegistryContext context) {
        return List.of(
                ResourceDefinition.builder(GROUP, VERSION, "clusterrolebindings", "ClusterRoleBinding",
                        ClusterRoleBinding.class).clusterScoped().strategy(new ClusterRoleBindingStrategy()).build(),
                ResourceDefinition.builder(GROUP, VERSION, "clusterroles", "ClusterRole", ClusterRole.class)
                        .clusterScoped().strategy(new ClusterRoleStrategy()).build(),
                ResourceDefinition.builder(GROUP, VERSION, "rolebindings", "RoleBinding", RoleBinding.class)
                        .strategy(new RoleBindingStrategy()).build(),
                ResourceDefinition.builder(GROUP, VERSION, "roles", "Role", Role.class)
                        .strategy(new RoleStrategy()).build());
    }

    /** The store of one of these resources ({@code roles}, ...) in {@code stores}. */
    public static <T extends HasMetadata> Store<T> store(StoreRegistry stores, String resource, Class<T> type) {
        return stores.find(GROUP, VERSION, resource, type)
                .orElseThrow(() -> new IllegalStateException("not served: " + resource));
    }
}
