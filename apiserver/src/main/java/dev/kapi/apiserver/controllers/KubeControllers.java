package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.CompactCopies;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * kube-controller-manager's controllers for one term of leadership: built when this replica starts leading,
 * closed when it stops, so that a new term starts from fresh informers and queues. Only the controllers
 * {@code --controllers} selects are built; their informers are shared ({@link SharedInformers}).
 */
final class KubeControllers {

    private static final Logger LOG = LoggerFactory.getLogger(KubeControllers.class);

    private final SharedInformers shared;
    private final List<Informer<?>> informers = new ArrayList<>();
    private final List<Controller> controllers = new ArrayList<>();
    private GarbageCollector garbageCollector;

    KubeControllers(StoreRegistry stores, WritePipeline writes, ControllerSettings settings) {
        ControllerContext context = new ControllerContext(stores, writes, new SharedInformers(stores),
                settings.simulatedNodes(), settings.simulatedJobRunTime(), settings.selection(), settings.rootCaPem());
        this.shared = context.informers();
        ControllerSelection selection = settings.selection();
        Informer<Namespace> namespaces = null;
        if (selection.enabled("namespace-controller") || selection.enabled("serviceaccount-controller")) {
            namespaces = informer(stores, "", "namespaces", Namespace.class,
                    InformerOptions.DEFAULTS.withResync(ControllerManager.NAMESPACE_RESYNC));
        }
        if (selection.enabled("namespace-controller")) {
            controllers.add(new NamespaceController(namespaces, new NamespaceCleanup(stores, writes)));
        }
        if (selection.enabled("serviceaccount-controller")) {
            Store<ServiceAccount> accountStore = context.informers().store("", "v1", "serviceaccounts",
                    ServiceAccount.class);
            controllers.add(new ServiceAccountsController(namespaces, informer(stores, "", "serviceaccounts",
                    ServiceAccount.class, InformerOptions.DEFAULTS), accountStore, writes));
        }
        if (selection.enabled(ServiceAccountTokensController.NAME) && settings.tokens() != null) {
            Store<Secret> secretStore = context.informers().store("", "v1", "secrets", Secret.class);
            Informer<Secret> tokenSecrets = new Informer<>(secretStore, "controllers", InformerOptions.DEFAULTS,
                    ServiceAccountTokensController::tokenOnly);
            informers.add(tokenSecrets);
            controllers.add(new ServiceAccountTokensController(tokenSecrets, context.informers().of("", "v1",
                    "serviceaccounts", ServiceAccount.class), secretStore, context.informers().store("", "v1",
                    "serviceaccounts", ServiceAccount.class), writes, settings.tokens(), settings.rootCaPem()));
        }
        if (selection.enabled("clusterrole-aggregation-controller")) {
            Store<ClusterRole> roles = context.informers().store("rbac.authorization.k8s.io", "v1", "clusterroles",
                    ClusterRole.class);
            controllers.add(new ClusterRoleAggregationController(informer(roles, InformerOptions.DEFAULTS), roles,
                    writes));
        }
        if (selection.enabled("disruption-controller")) {
            Store<PodDisruptionBudget> budgets = context.informers().store("policy", "v1", "poddisruptionbudgets",
                    PodDisruptionBudget.class);
            Informer<Pod> podViews = new Informer<>(context.informers().store("", "v1", "pods", Pod.class),
                    "controllers", InformerOptions.DEFAULTS, CompactCopies.transform(DisruptionStatus::podView));
            informers.add(podViews);
            controllers.add(new DisruptionController(informer(budgets, InformerOptions.DEFAULTS), podViews, budgets,
                    writes));
        }
        if (selection.enabled("resourcequota-controller")) {
            ResourceQuotaController quotas = ResourceQuotaController.create(stores, writes);
            informers.addAll(quotas.informers());
            controllers.add(quotas);
        }
        if (selection.enabled("garbage-collector-controller")) {
            garbageCollector = new GarbageCollector(stores, writes);
            controllers.add(garbageCollector);
        }
        if (selection.enabled("validatingadmissionpolicy-status-controller")) {
            stores.find("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies",
                    ValidatingAdmissionPolicy.class).ifPresent(s -> controllers.add(
                    new ValidatingAdmissionPolicyStatusController(informer(s, InformerOptions.DEFAULTS), s,
                            stores.resources(), writes)));
        }
        List<Controller> groups = new ArrayList<>();
        // the controllers of kube-controller-manager's workload groups: each group adds its own here
        groups.addAll(dev.kapi.apiserver.controllers.apps.AppsControllers.create(context));
        groups.addAll(dev.kapi.apiserver.controllers.batch.BatchControllers.create(context));
        groups.addAll(dev.kapi.apiserver.controllers.autoscaling.AutoscalingControllers.create(context));
        groups.addAll(dev.kapi.apiserver.controllers.scheduler.SchedulerControllers.create(context));
        groups.addAll(dev.kapi.apiserver.controllers.nodes.SimulatedNodesControllers.create(context));
        groups.addAll(dev.kapi.apiserver.controllers.nodes.PodGarbageCollector.create(context));
        groups.addAll(dev.kapi.apiserver.controllers.nodes.NodeConditionTaints.create(context));
        groups.addAll(dev.kapi.apiserver.controllers.endpoints.EndpointsControllers.create(context));
        // a part with a name of Kapi's own (the simulated nodes' parts) follows its own flag, not --controllers
        groups.removeIf(c -> ControllerSelection.known(c.name()) && !selection.enabled(c.name()));
        controllers.addAll(groups);
    }

    private <T extends HasMetadata> Informer<T> informer(StoreRegistry stores, String group, String resource,
                                                         Class<T> type, InformerOptions options) {
        return informer(shared.store(group, "v1", resource, type), options);
    }

    private <T extends HasMetadata> Informer<T> informer(Store<T> store, InformerOptions options) {
        Informer<T> informer = new Informer<>(store, "controllers", options);
        informers.add(informer);
        return informer;
    }

    List<String> names() {
        return controllers.stream().map(Controller::name).toList();
    }

    void start() {
        informers.addAll(shared.all());
        informers.forEach(Informer::start);
        if (garbageCollector != null) {
            garbageCollector.monitors().start();
        }
        controllers.forEach(Controller::start);
        LOG.info("Started controllers: {}", String.join(", ", names()));
    }

    /** Stops the workers and informers, waiting at most {@link ControllerManager#STOP_WAIT} in all. */
    void close() {
        List<Thread> workers = new ArrayList<>();
        controllers.forEach(c -> workers.addAll(c.stop()));
        long deadline = System.nanoTime() + ControllerManager.STOP_WAIT.toNanos();
        if (garbageCollector != null) {
            garbageCollector.monitors().close(java.time.Duration.ZERO); // interrupted now; the wait below is for all
        }
        Informer.closeAll(informers, ControllerManager.STOP_WAIT);
        Informer.joinUntil(workers, deadline);
    }
}
