package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.registry.informer.Informer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The selector of kube's system default spreading (its {@code helper.DefaultSelector}): the selectors of the
 * Services, ReplicationControllers, ReplicaSets and StatefulSets of the pod's namespace that select the pod,
 * all together; none when no such object selects it.
 */
final class SpreadSelectors {

    private final Informer<Service> services;
    private final Informer<ReplicationController> controllers;
    private final Informer<ReplicaSet> replicaSets;
    private final Informer<StatefulSet> statefulSets;

    SpreadSelectors(Informer<Service> services, Informer<ReplicationController> controllers,
                    Informer<ReplicaSet> replicaSets, Informer<StatefulSet> statefulSets) {
        this.services = services;
        this.controllers = controllers;
        this.replicaSets = replicaSets;
        this.statefulSets = statefulSets;
    }

    List<Informer<?>> informers() {
        return List.of(services, controllers, replicaSets, statefulSets);
    }

    /** The labels the pod's default spreading counts, or null when nothing selects the pod. */
    Predicate<Map<String, String>> of(Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        Map<String, String> labels = AffinityTerm.labels(pod);
        Map<String, String> set = new HashMap<>();
        for (Service s : services.cache().list(ns)) {
            mergeIfSelects(set, s.getSpec() == null ? null : s.getSpec().getSelector(), labels);
        }
        for (ReplicationController rc : controllers.cache().list(ns)) {
            mergeIfSelects(set, rc.getSpec() == null ? null : rc.getSpec().getSelector(), labels);
        }
        List<LabelSelector> selectors = new ArrayList<>();
        for (ReplicaSet rs : replicaSets.cache().list(ns)) {
            addIfSelects(selectors, rs.getSpec() == null ? null : rs.getSpec().getSelector(), labels);
        }
        for (StatefulSet ss : statefulSets.cache().list(ns)) {
            addIfSelects(selectors, ss.getSpec() == null ? null : ss.getSpec().getSelector(), labels);
        }
        if (set.isEmpty() && selectors.isEmpty()) {
            return null;
        }
        LabelSelector fromMaps = LabelSelector.fromMatchLabels(set);
        return l -> fromMaps.matches(l) && selectors.stream().allMatch(s -> s.matches(l));
    }

    private static void mergeIfSelects(Map<String, String> set, Map<String, String> selector, Map<String, String> labels) {
        if (selector != null && !selector.isEmpty()
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            set.putAll(selector);
        }
    }

    private static void addIfSelects(List<LabelSelector> selectors, io.fabric8.kubernetes.api.model.LabelSelector selector,
                                     Map<String, String> labels) {
        if (selector == null) {
            return;
        }
        try {
            LabelSelector s = LabelSelector.fromObject(selector);
            if (!s.isEmpty() && s.matches(labels)) {
                selectors.add(s);
            }
        } catch (RuntimeException e) {
            // an invalid selector selects nothing, as kube skips it
        }
    }
}
