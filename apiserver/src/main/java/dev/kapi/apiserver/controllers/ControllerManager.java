package dev.kapi.apiserver.controllers;

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
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import dev.kapi.apiserver.registry.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The controllers that run inside the server. Two kinds, as in kube:
 * <ul>
 * <li>kube-apiserver's own, on every replica: apiextensions' CRD controllers (names, conditions, cleanup) with the
 *     serving of custom resources, the APIService registration and the FlowSchema status controllers;
 * <li>kube-controller-manager's ({@link KubeControllers}: namespace, service account, ClusterRole aggregation,
 *     disruption, resource quota, garbage collector, the workload controllers...), those {@code --controllers}
 *     selects, only on the replica that holds the {@code kube-system/kube-controller-manager} Lease, and the
 *     scheduler only on the one that holds {@code kube-system/kube-scheduler} ({@link ElectedControllers};
 *     without election, all on this replica from the start).
 * </ul>
 * They are clients of the registry: they read through informers and write through the {@link WritePipeline}
 * under their own identities, so admission sees their writes. Nothing in the request path calls them.
 *
 * <p>{@link #start} starts the informers and the controllers' workers, which wait for the informers' first
 * lists; {@link #close} is bounded: everything is told to stop at once (workers and informers interrupted),
 * then waited for at most {@link #STOP_WAIT} for each kind.
 */
public final class ControllerManager implements AutoCloseable {

    /** How long {@link #close} waits, in all, for the workers and informers to end. */
    public static final Duration STOP_WAIT = Duration.ofSeconds(1);
    /** kube's namespace controller resyncs every 5 minutes. */
    static final Duration NAMESPACE_RESYNC = Duration.ofMinutes(5);
    /** How long {@link #start} waits for the custom resources of stored CRDs to be served. */
    static final Duration CRD_SYNC_WAIT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(ControllerManager.class);
    private static final String SCHEDULER = "kube-scheduler";

    private final List<Informer<?>> informers = new ArrayList<>();
    private final List<Controller> controllers;
    private final Informer<CustomResourceDefinition> crds;
    /** kube-controller-manager's controllers, and the scheduler under a Lease of its own (when selected). */
    private final List<ElectedControllers> components = new ArrayList<>();

    /** Every default controller, no leader election: a controller's tests. */
    public ControllerManager(StoreRegistry stores, WritePipeline writes) {
        this(stores, writes, ControllerSettings.DEFAULTS);
    }

    public ControllerManager(StoreRegistry stores, WritePipeline writes, ControllerSettings settings) {
        Store<CustomResourceDefinition> crdStore = stores.find(ApiExtensionsResources.GROUP, "v1",
                "customresourcedefinitions", CustomResourceDefinition.class).orElseThrow();
        this.crds = informer(crdStore);
        crds.addHandler(new CustomResourceServing(stores.resources(), settings.webhookServices()));
        List<Controller> all = new ArrayList<>(List.of(
                new CustomResourceDefinitionController(crds, crdStore, stores, writes)));
        stores.find(ApiRegistrationResources.GROUP, "v1", "apiservices", APIService.class)
                .ifPresent(s -> all.add(new ApiServiceRegistrationController(informer(s), crds, s,
                        stores.resources(), writes)));
        stores.find(FlowControlResources.GROUP, "v1", "flowschemas", FlowSchema.class).ifPresent(s -> all.add(
                new FlowSchemaStatusController(informer(s), informer(stores.find(FlowControlResources.GROUP, "v1",
                        "prioritylevelconfigurations", PriorityLevelConfiguration.class).orElseThrow()), s, writes)));
        this.controllers = List.copyOf(all);
        ControllerSelection selection = settings.selection();
        if (!settings.election().enabled()) {
            components.add(new ElectedControllers(stores, writes, settings));
        } else {
            components.add(new ElectedControllers(stores, writes,
                    settings.withSelection(selection.without(SCHEDULER))));
            if (selection.enabled(SCHEDULER)) {
                // kube-scheduler is a component of its own: its own Lease, its own informers; nothing else
                components.add(new ElectedControllers(stores, writes, settings.forScheduler()));
            }
        }
    }

    private <T extends HasMetadata> Informer<T> informer(Store<T> store) {
        Informer<T> informer = new Informer<>(store, "controllers", InformerOptions.DEFAULTS);
        informers.add(informer);
        return informer;
    }

    /**
     * Starts the informers and controllers (kube-controller-manager's once this replica leads), and waits (at
     * most {@link #CRD_SYNC_WAIT}) until the custom resources of the CRDs already stored are served, so that
     * the server answers for them from its first request.
     */
    public void start() {
        Thread.ofVirtual().name("crd-warm-up").start(() -> {
            try {
                CustomResources.warmUp();
            } catch (RuntimeException e) {
                LOG.debug("custom resource warm-up failed: {}", e.toString());
            }
        });
        informers.forEach(Informer::start);
        controllers.forEach(Controller::start);
        components.forEach(ElectedControllers::start);
        try {
            if (!crds.awaitSynced(CRD_SYNC_WAIT)) {
                LOG.warn("custom resources not all served yet after {}: still loading customresourcedefinitions",
                        CRD_SYNC_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the CustomResourceDefinitions' informer has listed once: the custom resources of the CRDs stored
     * before it are served (kube's {@code poststarthook/crd-informer-synced}).
     */
    public boolean crdsSynced() {
        return crds.hasSynced();
    }

    /** Whether kube-controller-manager's controllers run on this replica now. */
    public boolean leading() {
        return components.getFirst().leading();
    }

    @Override
    public void close() {
        components.forEach(ElectedControllers::close); // each ends its term and gives its Lease up
        List<Thread> workers = new ArrayList<>();
        controllers.forEach(c -> workers.addAll(c.stop()));
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        Informer.closeAll(informers, STOP_WAIT);
        Informer.joinUntil(workers, deadline);
    }
}
