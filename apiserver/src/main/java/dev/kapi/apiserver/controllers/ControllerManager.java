package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The controllers that run inside the server (kube-controller-manager's, for the few Kapi has): the namespace
 * controller, the service account controller, the ClusterRole aggregation controller and the disruption
 * controller (PodDisruptionBudget status, which the eviction subresource reads). They are clients of
 * the registry: they read through informers it shares among them and write through the {@link WritePipeline}
 * under their own identities, so admission sees their writes. Nothing in the request path calls them.
 *
 * <p>{@link #start} starts the informers and the controllers' workers, which wait for the informers' first
 * lists; {@link #close} is bounded: everything is told to stop at once (workers and informers interrupted),
 * then waited for at most {@link #STOP_WAIT} in all.
 */
public final class ControllerManager implements AutoCloseable {

    /** How long {@link #close} waits, in all, for the workers and informers to end. */
    public static final Duration STOP_WAIT = Duration.ofSeconds(1);
    /** kube's namespace controller resyncs every 5 minutes. */
    static final Duration NAMESPACE_RESYNC = Duration.ofMinutes(5);

    private final List<Informer<?>> informers = new ArrayList<>();
    private final List<Controller> controllers;

    public ControllerManager(StoreRegistry stores, WritePipeline writes) {
        Store<Namespace> namespaceStore = store(stores, "", "namespaces", Namespace.class);
        Store<ServiceAccount> accountStore = store(stores, "", "serviceaccounts", ServiceAccount.class);
        Store<ClusterRole> clusterRoleStore = store(stores, "rbac.authorization.k8s.io", "clusterroles",
                ClusterRole.class);
        Informer<Namespace> namespaces = informer(namespaceStore, InformerOptions.DEFAULTS.withResync(NAMESPACE_RESYNC));
        Informer<ServiceAccount> accounts = informer(accountStore, InformerOptions.DEFAULTS);
        Informer<ClusterRole> clusterRoles = informer(clusterRoleStore, InformerOptions.DEFAULTS);
        Store<PodDisruptionBudget> budgetStore = store(stores, "policy", "poddisruptionbudgets",
                PodDisruptionBudget.class);
        Informer<PodDisruptionBudget> budgets = informer(budgetStore, InformerOptions.DEFAULTS);
        Informer<Pod> pods = new Informer<>(store(stores, "", "pods", Pod.class), "controllers",
                InformerOptions.DEFAULTS, DisruptionStatus::podView);
        informers.add(pods);
        this.controllers = List.of(
                new NamespaceController(namespaces, new NamespaceCleanup(stores, writes)),
                new ServiceAccountsController(namespaces, accounts, namespaceStore, accountStore, writes),
                new ClusterRoleAggregationController(clusterRoles, clusterRoleStore, writes),
                new DisruptionController(budgets, pods, budgetStore, writes));
    }

    private <T extends HasMetadata> Informer<T> informer(Store<T> store, InformerOptions options) {
        Informer<T> informer = new Informer<>(store, "controllers", options);
        informers.add(informer);
        return informer;
    }

    private static <T extends HasMetadata> Store<T> store(StoreRegistry stores, String group, String resource,
                                                          Class<T> type) {
        return stores.find(group, "v1", resource, type)
                .orElseThrow(() -> new IllegalStateException("the controllers need " + resource));
    }

    public void start() {
        informers.forEach(Informer::start);
        controllers.forEach(Controller::start);
    }

    @Override
    public void close() {
        List<Thread> workers = new ArrayList<>();
        controllers.forEach(c -> workers.addAll(c.stop()));
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        Informer.closeAll(informers, STOP_WAIT);
        Informer.joinUntil(workers, deadline);
    }
}
