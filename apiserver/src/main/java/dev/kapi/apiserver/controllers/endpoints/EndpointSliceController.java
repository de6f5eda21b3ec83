package dev.kapi.apiserver.controllers.endpoints;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.KeyQueueing;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's EndpointSlice controller: the discovery.k8s.io/v1 EndpointSlices of each Service with a selector
 * list the pods it selects, at most {@link #MAX_ENDPOINTS_PER_SLICE} endpoints a slice, as {@link SlicePlan}
 * decides (in place rather than churned). The slices are labelled {@code kubernetes.io/service-name} and
 * {@code endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io}, owned by the Service (the
 * garbage collector deletes them with it), annotated with the trigger time when written. A Service, a pod
 * it selects, or one of its slices changing queues it; reconciling reads the slices from the store (not a
 * cache that may lag this controller's own creates) and writes through the {@link WritePipeline} as
 * {@code endpointslice-controller}, an update conditional on the resourceVersion it was planned from.
 */
final class EndpointSliceController extends Controller {

    static final String NAME = "endpointslice-controller";
    static final UserInfo USER = SystemUsers.controller("endpointslice-controller");
    /** kube's --max-endpoints-per-slice default. */
    static final int MAX_ENDPOINTS_PER_SLICE = 100;
    private static final Logger LOG = LoggerFactory.getLogger(EndpointSliceController.class);

    private final Informer<Service> services;
    private final Informer<Pod> pods;
    private final Informer<Node> nodes;
    private final Store<EndpointSlice> store;
    private final WritePipeline writes;
    private final TriggerTimes triggerTimes = new TriggerTimes();

    EndpointSliceController(Informer<Service> services, Informer<Pod> pods, Informer<Node> nodes,
                            Informer<EndpointSlice> slices, Store<EndpointSlice> store, WritePipeline writes) {
        super(NAME, 5, new WorkQueue(Duration.ofMillis(100), Duration.ofSeconds(30)),
                List.of(services, pods, nodes, slices));
        this.services = services;
        this.pods = pods;
        this.nodes = nodes;
        this.store = store;
        this.writes = writes;
        services.addHandler(new KeyQueueing<>(queue::add));
        pods.addHandler(new PodEvents(services, queue));
        slices.addHandler(new EventHandler<>() {
            @Override
            public void onUpdate(EndpointSlice old, EndpointSlice slice) {
                if (old != slice) {
                    queueOwner(slice);
                }
            }

            @Override
            public void onDelete(EndpointSlice slice) {
                queueOwner(slice);
            }
        });
    }

    /** A slice this controller manages, changed or deleted by someone: its Service is looked at again. */
    private void queueOwner(EndpointSlice slice) {
        Map<String, String> labels = ServicePods.orEmpty(slice.getMetadata().getLabels());
        String service = labels.get(SliceEndpoints.SERVICE_NAME_LABEL);
        if (service != null && !service.isEmpty()
                && SliceEndpoints.MANAGER.equals(labels.get(SliceEndpoints.MANAGED_BY_LABEL))) {
            queue.add(ServicePods.key(slice.getMetadata().getNamespace(), service));
        }
    }

    @Override
    protected boolean reconcile(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        if ("default".equals(namespace) && "kubernetes".equals(name)) {
            return true;
        }
        Service svc = services.cache().get(namespace, name);
        if (svc == null) {
            triggerTimes.forget(namespace, name); // its slices go with it (ownerReferences)
            return true;
        }
        if (ServicePods.selector(svc) == null) {
            return true;
        }
        List<Pod> selected = ServicePods.selected(svc, pods.cache().list(namespace));
        Instant trigger = triggerTimes.compute(svc, selected);
        try {
            List<EndpointSlice> existing = store.list(namespace, new ListParams<EndpointSlice>(s -> managedFor(s, name),
                    "", "", 0, null)).items();
            SlicePlan plan = SlicePlan.of(svc, selected, n -> nodes.cache().get(null, n), existing,
                    MAX_ENDPOINTS_PER_SLICE);
            write(svc, plan, trigger);
            return !plan.missingNodes;
        } catch (StatusError e) {
            if (ServicePods.namespaceTerminating(e)) {
                return true;
            }
            if (!stopping() && e.code() != 409 && e.code() != 404) {
                LOG.warn("{}: could not write the endpointslices of service {}: {}", NAME, key, e.getMessage());
            }
            return false;
        }
    }

    private static boolean managedFor(EndpointSlice slice, String service) {
        Map<String, String> labels = ServicePods.orEmpty(slice.getMetadata().getLabels());
        return service.equals(labels.get(SliceEndpoints.SERVICE_NAME_LABEL))
                && SliceEndpoints.MANAGER.equals(labels.get(SliceEndpoints.MANAGED_BY_LABEL));
    }

    /** kube's finalize: creates (not while the Service is being deleted), updates, then deletes. */
    private void write(Service svc, SlicePlan plan, Instant trigger) {
        WriteScope<EndpointSlice> scope = WriteScope.of(store, svc.getMetadata().getNamespace(), USER);
        if (svc.getMetadata().getDeletionTimestamp() == null) {
            for (EndpointSlice slice : plan.create) {
                annotate(slice, trigger);
                writes.create(scope, slice, OperationOptions.create());
            }
        }
        for (EndpointSlice slice : plan.update) {
            annotate(slice, trigger);
            writes.update(scope, slice.getMetadata().getName(), stored -> slice, OperationOptions.update());
        }
        for (EndpointSlice slice : plan.delete) {
            try {
                writes.delete(scope, slice.getMetadata().getName(), OperationOptions.delete());
            } catch (StatusError e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
        }
    }

    private static void annotate(EndpointSlice slice, Instant trigger) {
        Map<String, String> annotations = new LinkedHashMap<>(ServicePods.orEmpty(slice.getMetadata().getAnnotations()));
        if (trigger != null) {
            annotations.put(ServicePods.TRIGGER_TIME_ANNOTATION, TriggerTimes.format(trigger));
        } else {
            annotations.remove(ServicePods.TRIGGER_TIME_ANNOTATION);
        }
        slice.getMetadata().setAnnotations(annotations);
    }
}
