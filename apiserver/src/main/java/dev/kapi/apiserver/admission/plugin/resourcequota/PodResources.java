package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.plugin.Amount;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A pod's requests and limits as kube sums them ({@code component-helpers/resource PodRequests} and
 * {@code PodLimits}, from the spec): the containers' sum, with each restartable (sidecar) init container added
 * to it, raised to what any init container needs while it runs (itself plus the sidecars started before it);
 * then the pod-level {@code spec.resources} for cpu, memory and hugepages where set; then the overhead (added
 * to every request, and to the limits that are set and not zero).
 */
final class PodResources {

    private PodResources() {
    }

    static Map<String, Amount> requests(PodSpec spec) {
        Map<String, Amount> sum = aggregate(spec, ResourceRequirements::getRequests);
        ResourceRequirements pod = spec.getResources();
        if (pod != null && hasPodLevel(pod.getRequests())) {
            applyPodLevel(sum, pod.getRequests());
        }
        ResourceLists.of(spec.getOverhead()).forEach((name, v) -> sum.merge(name, v, Amount::plus));
        return sum;
    }

    static Map<String, Amount> limits(PodSpec spec) {
        Map<String, Amount> sum = aggregate(spec, ResourceRequirements::getLimits);
        ResourceRequirements pod = spec.getResources();
        if (pod != null && (hasPodLevel(pod.getRequests()) || hasPodLevel(pod.getLimits()))) {
            applyPodLevel(sum, pod.getLimits());
        }
        ResourceLists.of(spec.getOverhead()).forEach((name, v) -> {
            Amount limit = sum.get(name);
            if (limit != null && !limit.isZero()) {
                sum.put(name, limit.plus(v));
            }
        });
        return sum;
    }

    private static Map<String, Amount> aggregate(PodSpec spec, Function<ResourceRequirements, Map<String, Quantity>> of) {
        Map<String, Amount> sum = new TreeMap<>();
        for (Container c : list(spec.getContainers())) {
            add(sum, resources(c, of));
        }
        Map<String, Amount> sidecars = new TreeMap<>();
        Map<String, Amount> initPeak = new TreeMap<>();
        for (Container c : list(spec.getInitContainers())) {
            Map<String, Amount> own = resources(c, of);
            Map<String, Amount> running;
            if ("Always".equals(c.getRestartPolicy())) {
                add(sum, own);
                add(sidecars, own);
                running = sidecars;
            } else {
                running = new TreeMap<>(own);
                add(running, sidecars);
            }
            running.forEach((name, v) -> initPeak.merge(name, v, Amount::max));
        }
        initPeak.forEach((name, v) -> sum.merge(name, v, Amount::max));
        return sum;
    }

    private static Map<String, Amount> resources(Container c, Function<ResourceRequirements, Map<String, Quantity>> of) {
        return c.getResources() == null ? Map.of() : ResourceLists.of(of.apply(c.getResources()));
    }

    private static void add(Map<String, Amount> into, Map<String, Amount> values) {
        values.forEach((name, v) -> into.merge(name, v, Amount::plus));
    }

    /** The resources kube lets a pod set for itself: cpu, memory and hugepages. */
    private static boolean podLevel(String name) {
        return name.equals("cpu") || name.equals("memory") || name.startsWith("hugepages-");
    }

    private static boolean hasPodLevel(Map<String, Quantity> values) {
        return values != null && values.keySet().stream().anyMatch(PodResources::podLevel);
    }

    private static void applyPodLevel(Map<String, Amount> sum, Map<String, Quantity> values) {
        ResourceLists.of(values).forEach((name, v) -> {
            if (podLevel(name)) {
                sum.put(name, v);
            }
        });
    }

    static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
