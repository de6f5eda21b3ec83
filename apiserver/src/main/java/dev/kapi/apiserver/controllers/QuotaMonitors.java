package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.admission.plugin.resourcequota.Evaluator;
import dev.kapi.apiserver.admission.plugin.resourcequota.Evaluators;
import dev.kapi.apiserver.admission.plugin.resourcequota.ResourceLists;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.CompactCopies;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Secret;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * kube's QuotaMonitor, for the resources quota knows by name (pods, services, persistentvolumeclaims,
 * configmaps, secrets, replicationcontrollers; the controller follows resourcequotas itself): one informer
 * each, keeping only what usage is computed from, that tells the controller of a namespace where an object
 * was deleted or changed what it uses.
 */
final class QuotaMonitors {

    private static final Map<String, Supplier<HasMetadata>> COUNTED_ONLY = Map.of("configmaps", ConfigMap::new,
            "secrets", Secret::new, "replicationcontrollers", ReplicationController::new);

    private final List<Informer<?>> informers = new ArrayList<>();
    private final Set<GroupResource> resources = new TreeSet<>(java.util.Comparator.comparing(GroupResource::toString));
    private volatile BiConsumer<GroupResource, String> listener = (gr, ns) -> { };

    QuotaMonitors(StoreRegistry stores, Evaluators evaluators) {
        for (GroupResource gr : Evaluators.builtIn()) {
            resources.add(gr);
            if (gr.resource().equals("resourcequotas")) {
                continue;
            }
            var served = stores.lookup(gr.group(), "v1", gr.resource()).orElseThrow(
                    () -> new IllegalStateException("the resourcequota controller needs " + gr));
            Informer<HasMetadata> informer = new Informer<>(served.store(), "resourcequota-controller",
                    InformerOptions.DEFAULTS, CompactCopies.transform(view(gr.resource())));
            Evaluator evaluator = evaluators.of(gr);
            informer.addHandler(new EventHandler<>() {
                @Override
                public void onUpdate(HasMetadata old, HasMetadata obj) {
                    if (old != obj && !ResourceLists.same(evaluator.usage(old), evaluator.usage(obj))) {
                        listener.accept(gr, obj.getMetadata().getNamespace());
                    }
                }

                @Override
                public void onDelete(HasMetadata obj) {
                    listener.accept(gr, obj.getMetadata().getNamespace());
                }
            });
            informers.add(informer);
        }
    }

    /** Who is told (resource, namespace) of a change; set before the informers start. */
    void onChange(BiConsumer<GroupResource, String> listener) {
        this.listener = listener;
    }

    List<Informer<?>> informers() {
        return List.copyOf(informers);
    }

    /** The resources whose changes are told (resourcequotas included: the controller follows them). */
    Set<GroupResource> resources() {
        return Set.copyOf(resources);
    }

    /** What the informer of a resource keeps: pods as {@link #podView}, objects only counted as their names. */
    private static UnaryOperator<HasMetadata> view(String resource) {
        if (resource.equals("pods")) {
            return obj -> podView((Pod) obj);
        }
        Supplier<HasMetadata> empty = COUNTED_ONLY.get(resource);
        if (empty == null) {
            return obj -> obj; // services and claims: usage reads most of them
        }
        return obj -> {
            HasMetadata view = empty.get();
            view.setMetadata(names(obj.getMetadata()).build());
            return view;
        };
    }

    /** A pod as quota reads it: what it requests and limits, its scopes' fields, phase and deletion. */
    static Pod podView(Pod pod) {
        ObjectMeta m = pod.getMetadata();
        PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
        PodSpec kept = new PodSpec();
        kept.setContainers(containers(spec.getContainers()));
        kept.setInitContainers(containers(spec.getInitContainers()));
        kept.setOverhead(spec.getOverhead());
        kept.setResources(spec.getResources());
        kept.setActiveDeadlineSeconds(spec.getActiveDeadlineSeconds());
        kept.setPriorityClassName(spec.getPriorityClassName());
        kept.setAffinity(spec.getAffinity());
        PodStatus status = new PodStatus();
        status.setPhase(pod.getStatus() == null ? null : pod.getStatus().getPhase());
        Pod view = new Pod();
        view.setMetadata(names(m).withDeletionTimestamp(m.getDeletionTimestamp())
                .withDeletionGracePeriodSeconds(m.getDeletionGracePeriodSeconds()).build());
        view.setSpec(kept);
        view.setStatus(status);
        return view;
    }

    private static List<Container> containers(List<Container> containers) {
        if (containers == null) {
            return null;
        }
        return containers.stream().map(c -> new ContainerBuilder().withName(c.getName())
                .withResources(c.getResources()).withRestartPolicy(c.getRestartPolicy()).build()).toList();
    }

    private static ObjectMetaBuilder names(ObjectMeta m) {
        return new ObjectMetaBuilder().withName(m.getName()).withNamespace(m.getNamespace()).withUid(m.getUid())
                .withResourceVersion(m.getResourceVersion());
    }
}
