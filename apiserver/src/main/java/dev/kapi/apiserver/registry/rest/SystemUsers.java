package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.authn.UserInfo;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The identities under which the server's own writers go through the {@link WritePipeline}, by kube's
 * names: kube-apiserver's loopback user for what the API server itself keeps (system namespaces, the
 * bootstrap RBAC policy), and the service accounts kube-controller-manager runs its controllers under
 * ({@code --use-service-account-credentials}) for the controller stand-ins. Admission sees them like any
 * caller; RBAC grants the controllers what kube's bootstrap policy grants them.
 */
public final class SystemUsers {

    private static final String CONTROLLER_NAMESPACE = "kube-system";

    /**
     * {@code system:apiserver} in {@code system:masters}, with a uid of this process (kube-apiserver's
     * loopback client has a random one per start).
     */
    public static final UserInfo API_SERVER = new UserInfo("system:apiserver", UUID.randomUUID().toString(),
            List.of("system:authenticated", "system:masters"), Map.of());

    /**
     * kube-controller-manager's own user, which holds the controllers' leader-election Lease
     * ({@code kube-system/kube-controller-manager}).
     */
    public static final UserInfo KUBE_CONTROLLER_MANAGER = new UserInfo("system:kube-controller-manager", "",
            List.of("system:authenticated"), Map.of());

    /** Empties deleted namespaces and releases them ({@code controllers/NamespaceController}). */
    public static final UserInfo NAMESPACE_CONTROLLER = controller("namespace-controller");

    /** Gives every namespace its {@code default} ServiceAccount ({@code controllers/ServiceAccountsController}). */
    public static final UserInfo SERVICE_ACCOUNT_CONTROLLER = controller("service-account-controller");

    /** Writes the rules of aggregated ClusterRoles ({@code controllers/ClusterRoleAggregationController}). */
    public static final UserInfo CLUSTERROLE_AGGREGATION_CONTROLLER = controller("clusterrole-aggregation-controller");

    /** Keeps the status of PodDisruptionBudgets ({@code controllers/DisruptionController}). */
    public static final UserInfo DISRUPTION_CONTROLLER = controller("disruption-controller");

    /** Keeps the status of ResourceQuotas ({@code controllers/ResourceQuotaController}). */
    public static final UserInfo RESOURCE_QUOTA_CONTROLLER = controller("resourcequota-controller");

    /** Deletes dependents and orphans them ({@code controllers/GarbageCollector}). */
    public static final UserInfo GARBAGE_COLLECTOR = controller("generic-garbage-collector");

    private SystemUsers() {
    }

    /**
     * The managedFields manager of a writer of the server: {@code kube-apiserver} for the API server's own
     * writes, {@code kube-controller-manager} for the controllers (kube's names, from their User-Agents).
     */
    static String fieldManager(UserInfo user) {
        if (user.name().equals(API_SERVER.name())) {
            return "kube-apiserver";
        }
        return user.name().startsWith("system:serviceaccount:" + CONTROLLER_NAMESPACE + ":")
                || user.name().equals(KUBE_CONTROLLER_MANAGER.name())
                ? "kube-controller-manager" : "unknown";
    }

    /** The user of service account {@code kube-system/<name>}, with a service account's groups. */
    public static UserInfo controller(String name) {
        return new UserInfo("system:serviceaccount:" + CONTROLLER_NAMESPACE + ":" + name, "",
                List.of("system:serviceaccounts", "system:serviceaccounts:" + CONTROLLER_NAMESPACE,
                        "system:authenticated"), Map.of());
    }
}
