package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bootstrap policy gives each in-process controller kube's {@code system:controller:<account>} role, bound
 * to {@code kube-system/<account>}, and the scheduler {@code system:kube-scheduler}: a table of what each may and
 * may not do, checked against the roles and bindings as RBAC reads them.
 */
class ControllerRolesTest {

    @ParameterizedTest(name = "{0} {1} {2}/{3}: {4}")
    @CsvSource({
            "deployment-controller,      create, apps,             replicasets,           true",
            "deployment-controller,      create, '',               pods,                  false",
            "replicaset-controller,      create, '',               pods,                  true",
            "replicaset-controller,      update, apps,             replicasets/status,    true",
            "replication-controller,     delete, '',               pods,                  true",
            "job-controller,             patch,  '',               pods,                  true",
            "cronjob-controller,         create, batch,            jobs,                  true",
            "ttl-after-finished-controller, delete, batch,         jobs,                  true",
            "ttl-after-finished-controller, delete, '',            pods,                  false",
            "endpoint-controller,        update, '',               endpoints,             true",
            "endpointslice-controller,   create, discovery.k8s.io, endpointslices,        true",
            "root-ca-cert-publisher,     update, '',               configmaps,            true",
            "root-ca-cert-publisher,     get,    '',               secrets,               false",
            "statefulset-controller,     create, '',               persistentvolumeclaims, true",
            "daemon-set-controller,      create, '',               pods/binding,          true",
            "horizontal-pod-autoscaler,  update, apps,             deployments/scale,     true",
            "horizontal-pod-autoscaler,  update, apps,             deployments,           false",
    })
    void controllersMayDoWhatKubeGrantsThem(String account, String verb, String group, String resource,
                                            boolean allowed) {
        UserInfo user = new UserInfo("system:serviceaccount:kube-system:" + account, "",
                List.of("system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"),
                Map.of());
        assertThat(allows(user, verb, group, resource)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "system:kube-scheduler {0} {1}: {2}")
    @CsvSource({"create, pods/binding, true", "patch, pods/status, true", "list, nodes, true",
            "create, pods, false", "update, nodes, false"})
    void theSchedulerMayBindAndReadNodes(String verb, String resource, boolean allowed) {
        UserInfo user = new UserInfo("system:kube-scheduler", "", List.of("system:authenticated"), Map.of());
        assertThat(allows(user, verb, "", resource)).isEqualTo(allowed);
    }

    private static boolean allows(UserInfo user, String verb, String group, String resource) {
        List<ClusterRole> roles = BootstrapPolicy.clusterRoles();
        for (ClusterRoleBinding binding : BootstrapPolicy.clusterRoleBindings()) {
            boolean bound = binding.getSubjects().stream().anyMatch(s -> switch (s.getKind()) {
                case "ServiceAccount" -> user.name().equals("system:serviceaccount:" + s.getNamespace() + ":"
                        + s.getName());
                case "User" -> user.name().equals(s.getName());
                default -> user.groups().contains(s.getName());
            });
            if (!bound) {
                continue;
            }
            ClusterRole role = roles.stream().filter(r -> r.getMetadata().getName().equals(binding.getRoleRef()
                    .getName())).findFirst().orElseThrow();
            String[] parts = resource.split("/", 2);
            boolean covered = role.getRules().stream().anyMatch(r -> r.getVerbs().contains(verb)
                    && (r.getApiGroups().contains(group) || r.getApiGroups().contains("*"))
                    && (r.getResources().contains(resource) || r.getResources().contains("*")
                    || parts.length == 2 && r.getResources().contains("*/" + parts[1]))
                    && (r.getResourceNames() == null || r.getResourceNames().isEmpty()));
            if (covered) {
                return true;
            }
        }
        return false;
    }
}
