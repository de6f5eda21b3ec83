package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.apiextensions.ApiExtensionsResources;
import dev.kapi.apiserver.registry.apiextensions.CustomResources;
import dev.kapi.apiserver.registry.groups.apiregistration.ApiRegistrationResources;
import dev.kapi.apiserver.registry.groups.flowcontrol.FlowControlResources;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The controllers that run inside the server (kube-controller-manager's, for the few Kapi has): the namespace
 * controller, the service account controller, the ClusterRole aggregation controller and the disruption
 * controller (PodDisruptionBudget status, which the eviction subresource reads), the resourcequota controller
 * (ResourceQuota status), the garbage collector (ownerReferences, propagation finalizers; it follows every
 * served resource with informers of its own), and apiextensions' CRD controllers (names, conditions, cleanup) with the serving of
 * custom resources on every server. They are clients of the registry: they read through informers it shares
 * among them and write through the {@link WritePipeline} under their own identities, so admission sees their
 * writes. Nothing in the request path calls them.
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
    /** How long {@link #start} waits for the custom resources of stored CRDs to be served. */
    static final Duration CRD_SYNC_WAIT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(ControllerManager.class);

    private final List<Informer<?>> informers = new ArrayList<>();
    private final List<Controller> controllers;
    private final Informer<CustomResourceDefinition> crds;
    private final GarbageCollector garbageCollector;
    private final SharedInformers shared;

    public ControllerManager(StoreRegistry stores, WritePipeline writes) {
        this(stores, writes, 0, Duration.ofSeconds(1));
    }

    public ControllerManager(StoreRegistry stores, WritePipeline writes, int simulatedNodes,
                             Duration simulatedJobRunTime) {
        ControllerContext context = new ControllerContext(stores, writes, new SharedInformers(stores), simulatedNodes,
                simulatedJobRunTime);
        this.shared = context.informers();
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
        Store<CustomResourceDefinition> crdStore = store(stores, ApiExtensionsResources.GROUP,
                "customresourcedefinitions", CustomResourceDefinition.class);
        this.crds = informer(crdStore, InformerOptions.DEFAULTS);
        crds.addHandler(new CustomResourceServing(stores.resources()));
        ResourceQuotaController quotas = ResourceQuotaController.create(stores, writes);
        this.garbageCollector = new GarbageCollector(stores, writes);
        informers.addAll(quotas.informers());
        List<Controller> all = new ArrayList<>(List.of(
                new CustomResourceDefinitionController(crds, crdStore, stores, writes),
                new NamespaceController(namespaces, new NamespaceCleanup(stores, writes)),
                new ServiceAccountsController(namespaces, accounts, namespaceStore, accountStore, writes),
                new ClusterRoleAggregationController(clusterRoles, clusterRoleStore, writes),
                new DisruptionController(budgets, pods, budgetStore, writes), quotas, garbageCollector));
        stores.find("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", ValidatingAdmissionPolicy.class)
                .ifPresent(s -> all.add(new ValidatingAdmissionPolicyStatusController(
                        informer(s, InformerOptions.DEFAULTS), s, stores.resources(), writes)));
        stores.find(ApiRegistrationResources.GROUP, "v1", "apiservices", APIService.class)
                .ifPresent(s -> all.add(new ApiServiceRegistrationController(informer(s, InformerOptions.DEFAULTS), crds, s,
                        stores.resources(), writes)));
        stores.find(FlowControlResources.GROUP, "v1", "flowschemas", FlowSchema.class).ifPresent(s -> all.add(
                new FlowSchemaStatusController(informer(s, InformerOptions.DEFAULTS), informer(stores.find(
                        FlowControlResources.GROUP, "v1", "prioritylevelconfigurations",
                        PriorityLevelConfiguration.class).orElseThrow(), InformerOptions.DEFAULTS), s, writes)));
        // the controllers of kube-controller-manager's workload groups: each group adds its own here
        all.addAll(dev.kapi.apiserver.controllers.apps.AppsControllers.create(context));
        this.controllers = List.copyOf(all);
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

    /**
     * Starts the informers and controllers, and waits (at most {@link #CRD_SYNC_WAIT}) until the custom resources
     * of the CRDs already stored are served, so that the server answers for them from its first request.
     */
    public void start() {
        Thread.ofVirtual().name("crd-warm-up").start(() -> {
            try {
                CustomResources.warmUp();
            } catch (RuntimeException e) {
                LOG.debug("custom resource warm-up failed: {}", e.toString());
            }
        });
        informers.addAll(shared.all());
        informers.forEach(Informer::start);
        garbageCollector.monitors().start();
        controllers.forEach(Controller::start);
        try {
            if (!crds.awaitSynced(CRD_SYNC_WAIT)) {
                LOG.warn("custom resources not all served yet after {}: still loading customresourcedefinitions",
                        CRD_SYNC_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        List<Thread> workers = new ArrayList<>();
        controllers.forEach(c -> workers.addAll(c.stop()));
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        garbageCollector.monitors().close(Duration.ZERO); // interrupted now; the wait below is for all
        Informer.closeAll(informers, STOP_WAIT);
        Informer.joinUntil(workers, deadline);
    }
}
