package dev.kapi.apiserver.controllers.endpoints;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.KeyQueueing;
import dev.kapi.apiserver.registry.informer.InformerCache;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's endpoints controller: the Endpoints of the same name as each Service with a selector lists the pods
 * it selects ({@link EndpointSubsets}), labelled as the Service plus {@code endpoints.kubernetes.io/managed-by}
 * (and {@code service.kubernetes.io/headless} without a cluster IP), annotated with the last change's trigger
 * time ({@link TriggerTimes}) and, over 1000 addresses, {@code endpoints.kubernetes.io/over-capacity:
 * truncated}. Services without a selector (and ExternalName ones) are left alone, their Endpoints being their
 * owners'; {@code default/kubernetes} is the server's own ({@code controlplane/KubernetesEndpoints}). When a
 * Service goes, its Endpoints goes. At the start, Endpoints this controller made whose Service is gone are
 * deleted too (kube deletes every such Endpoints; only the ones carrying its label are taken here).
 *
 * <p>Writes go through the {@link WritePipeline} as {@code endpoint-controller}; an update recomputes the
 * metadata from the stored object, so a stale cache costs a retry, never a lost write.
 */
final class EndpointsController extends Controller {

    static final String NAME = "endpoints-controller";
    static final UserInfo USER = SystemUsers.controller("endpoint-controller");
    static final String MANAGED_BY = "endpoints.kubernetes.io/managed-by";
    static final String MANAGER = "endpoint-controller";
    static final String OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity";
    private static final String LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";
    private static final Logger LOG = LoggerFactory.getLogger(EndpointsController.class);

    private final Informer<Service> services;
    private final Informer<Pod> pods;
    private final Informer<Endpoints> endpoints;
    private final WriteScope<Endpoints> scope;
    private final WritePipeline writes;
    private final TriggerTimes triggerTimes = new TriggerTimes();
    /** Services seen deleted: their Endpoints go whoever made them. */
    private final Set<String> deletedServices = ConcurrentHashMap.newKeySet();

    EndpointsController(Informer<Service> services, Informer<Pod> pods, Informer<Endpoints> endpoints,
                        Store<Endpoints> store, WritePipeline writes) {
        super(NAME, 5, new WorkQueue(Duration.ofMillis(50), Duration.ofSeconds(30)), List.of(services, pods, endpoints));
        this.services = services;
        this.pods = pods;
        this.endpoints = endpoints;
        this.scope = WriteScope.of(store, null, USER);
        this.writes = writes;
        services.addHandler(new KeyQueueing<>(queue::add, deletedServices::add));
        pods.addHandler(new PodEvents(services, queue));
        endpoints.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Endpoints ep) {
                // kube's checkLeftoverEndpoints, for what the informer lists at the start (and later adds)
                if (!ServicePods.orEmpty(ep.getMetadata().getAnnotations()).containsKey(LEADER_ANNOTATION)) {
                    queue.add(InformerCache.key(ep));
                }
            }

            @Override
            public void onDelete(Endpoints ep) {
                queue.add(InformerCache.key(ep));
            }
        });
    }

    @Override
    protected boolean reconcile(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        if ("default".equals(namespace) && "kubernetes".equals(name)) {
            return true;
        }
        try {
            Service svc = services.cache().get(namespace, name);
            if (svc == null) {
                deleteOrphan(key, namespace, name);
                return true;
            }
            if (ServicePods.selector(svc) == null) {
                return true;
            }
            List<Pod> selected = ServicePods.selected(svc, pods.cache().list(namespace));
            Instant trigger = triggerTimes.compute(svc, selected);
            List<EndpointSubset> subsets = EndpointSubsets.of(svc, selected);
            Map<String, String> labels = labels(svc);
            Endpoints current = endpoints.cache().get(namespace, name);
            if (current != null && upToDate(current, subsets, labels)) {
                return true;
            }
            if (current == null) {
                create(namespace, name, subsets, labels, trigger);
            } else {
                writes.update(scope(namespace), name, stored -> fill(stored, subsets, labels, trigger),
                        OperationOptions.update());
            }
            return true;
        } catch (StatusError e) {
            if (ServicePods.namespaceTerminating(e)) {
                return true;
            }
            if (!stopping() && e.code() != 409 && e.code() != 404) {
                LOG.warn("{}: could not write endpoints {}: {}", NAME, key, e.getMessage());
            }
            return false;
        }
    }

    private void deleteOrphan(String key, String namespace, String name) {
        triggerTimes.forget(namespace, name);
        Endpoints ep = endpoints.cache().get(namespace, name);
        boolean ours = ep != null && MANAGER.equals(ServicePods.orEmpty(ep.getMetadata().getLabels()).get(MANAGED_BY));
        if (deletedServices.remove(key) || ours) {
            try {
                writes.delete(scope(namespace), name, OperationOptions.delete());
            } catch (StatusError e) {
                if (e.code() != 404) {
                    deletedServices.add(key);
                    throw e;
                }
            }
        }
    }

    private void create(String namespace, String name, List<EndpointSubset> subsets, Map<String, String> labels,
                        Instant trigger) {
        Endpoints ep = new Endpoints();
        ep.setMetadata(new ObjectMeta());
        ep.getMetadata().setName(name);
        ep.getMetadata().setNamespace(namespace);
        writes.create(scope(namespace), fill(ep, subsets, labels, trigger), OperationOptions.create());
    }

    /** The Endpoints with these subsets (truncated when over capacity) and labels, its annotations up to date. */
    static Endpoints fill(Endpoints ep, List<EndpointSubset> computed, Map<String, String> labels,
                                  Instant trigger) {
        List<EndpointSubset> subsets = Json.convert(Json.tree(computed), EndpointSubsetList.class);
        Map<String, String> annotations = new LinkedHashMap<>(ServicePods.orEmpty(ep.getMetadata().getAnnotations()));
        if (trigger != null) {
            annotations.put(ServicePods.TRIGGER_TIME_ANNOTATION, TriggerTimes.format(trigger));
        } else {
            annotations.remove(ServicePods.TRIGGER_TIME_ANNOTATION);
        }
        if (EndpointSubsets.truncate(subsets)) {
            annotations.put(OVER_CAPACITY, "truncated");
        } else {
            annotations.remove(OVER_CAPACITY);
        }
        ep.getMetadata().setAnnotations(annotations);
        ep.getMetadata().setLabels(new LinkedHashMap<>(labels));
        ep.setSubsets(subsets);
        return ep;
    }

    /** kube compares the untruncated subsets; over capacity, an Endpoints is always rewritten, as in kube. */
    private static boolean upToDate(Endpoints current, List<EndpointSubset> subsets, Map<String, String> labels) {
        boolean over = EndpointSubsets.count(subsets) > EndpointSubsets.MAX_CAPACITY;
        return !over && !ServicePods.orEmpty(current.getMetadata().getAnnotations()).containsKey(OVER_CAPACITY)
                && Json.tree(current.getSubsets()).equals(Json.tree(subsets))
                && labels.equals(ServicePods.orEmpty(current.getMetadata().getLabels()));
    }

    /** The Service's labels, this controller's, and the headless one when the Service has no cluster IP. */
    static Map<String, String> labels(Service svc) {
        Map<String, String> labels = new LinkedHashMap<>(ServicePods.orEmpty(svc.getMetadata().getLabels()));
        labels.put(MANAGED_BY, MANAGER);
        if (ServicePods.hasClusterIp(svc)) {
            labels.remove(ServicePods.HEADLESS_LABEL);
        } else {
            labels.put(ServicePods.HEADLESS_LABEL, "");
        }
        return labels;
    }

    private WriteScope<Endpoints> scope(String namespace) {
        return WriteScope.of(scope.store(), namespace, USER);
    }

    /** A list type for copying subsets through JSON (the cached objects are shared). */
    static final class EndpointSubsetList extends java.util.ArrayList<EndpointSubset> {
    }
}
