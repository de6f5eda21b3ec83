package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.plugin.Amount;
import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.GroupResource;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * kube's pod evaluator ({@code pkg/quota/v1/evaluator/core/pods.go}). A pod uses 1 of {@code count/pods}
 * always, and while it is not terminal (Succeeded, Failed, or deleted with its grace period over) 1 of
 * {@code pods} and its requests ({@code requests.cpu}, bare {@code cpu}, {@code requests.memory}, bare
 * {@code memory}, {@code requests.ephemeral-storage}, hugepages, {@code requests.<extended>}) and limits
 * ({@code limits.cpu}, ...), summed as {@link PodResources} sums them. Only creates are charged. Scopes:
 * Terminating (activeDeadlineSeconds set), NotTerminating, BestEffort (no cpu or memory request or limit),
 * NotBestEffort, PriorityClass (a selector over the pod's priorityClassName) and CrossNamespacePodAffinity.
 * A quota on cpu or memory (requests, limits or bare) makes every container state that value
 * ({@link #constraints}): kube's documented backward-compatible mistake.
 */
final class PodEvaluator implements Evaluator {

    static final GroupResource PODS = new GroupResource("", "pods");
    private static final List<String> NAMES = List.of("count/pods", "cpu", "memory", "ephemeral-storage",
            "requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory",
            "limits.ephemeral-storage", "pods");
    private static final Set<String> MUST_SPECIFY = Set.of("cpu", "memory", "requests.cpu", "requests.memory",
            "limits.cpu", "limits.memory");

    private final Clock clock;

    PodEvaluator(Clock clock) {
        this.clock = clock;
    }

    @Override
    public GroupResource groupResource() {
        return PODS;
    }

    @Override
    public boolean handles(AdmissionAttributes a) {
        return a.operation() == Operation.CREATE && a.mainResource();
    }

    @Override
    public List<String> matchingResources(Collection<String> input) {
        return input.stream().filter(n -> NAMES.contains(n) || n.startsWith("hugepages-")
                || n.startsWith("requests.hugepages-") || (!native_(n) && n.startsWith("requests."))).toList();
    }

    @Override
    public boolean matchesScope(ScopedResourceSelectorRequirement scope, HasMetadata obj) {
        PodSpec spec = spec(obj);
        return switch (scope.getScopeName() == null ? "" : scope.getScopeName()) {
            case "Terminating" -> terminating(spec);
            case "NotTerminating" -> !terminating(spec);
            case "BestEffort" -> bestEffort(spec);
            case "NotBestEffort" -> !bestEffort(spec);
            case "PriorityClass" -> {
                String pc = spec.getPriorityClassName();
                boolean has = pc != null && !pc.isEmpty();
                yield "Exists".equals(scope.getOperator()) ? has
                        : QuotaScopes.selects(scope, has ? Map.of("PriorityClass", pc) : Map.of());
            }
            case "CrossNamespacePodAffinity" -> crossNamespaceAffinity(spec.getAffinity());
            default -> false;
        };
    }

    @Override
    public List<ScopedResourceSelectorRequirement> uncoveredScopes(List<ScopedResourceSelectorRequirement> limited,
                                                                   List<ScopedResourceSelectorRequirement> matched) {
        return QuotaScopes.uncoveredByName(limited, matched);
    }

    @Override
    public Map<String, Amount> usage(HasMetadata obj) {
        Map<String, Amount> out = new TreeMap<>();
        out.put("count/pods", Amount.ONE);
        if (obj instanceof Pod pod && !charged(pod, clock.instant())) {
            return out;
        }
        PodSpec spec = spec(obj);
        out.putAll(computeUsage(PodResources.requests(spec), PodResources.limits(spec)));
        return out;
    }

    @Override
    public String constraints(Collection<String> required, HasMetadata obj) {
        Set<String> requiredSet = new TreeSet<>(required);
        requiredSet.retainAll(MUST_SPECIFY);
        if (requiredSet.isEmpty()) {
            return null;
        }
        PodSpec spec = spec(obj);
        Map<String, Set<String>> missing = new TreeMap<>();
        Stream.concat(PodResources.list(spec.getContainers()).stream(),
                PodResources.list(spec.getInitContainers()).stream()).forEach(c -> {
                    Map<String, Quantity> req = c.getResources() == null ? null : c.getResources().getRequests();
                    Map<String, Quantity> lim = c.getResources() == null ? null : c.getResources().getLimits();
                    Set<String> has = computeUsage(ResourceLists.of(req), ResourceLists.of(lim)).keySet();
                    for (String r : requiredSet) {
                        if (!has.contains(r)) {
                            missing.computeIfAbsent(r, k -> new TreeSet<>()).add(name(c));
                        }
                    }
                });
        if (missing.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        missing.forEach((r, containers) -> parts.add(r + " for: " + String.join(",", containers)));
        return "must specify " + String.join("; ", parts);
    }

    /** kube's {@code podComputeUsageHelper}: quota names of summed requests and limits (and pods=1). */
    private static Map<String, Amount> computeUsage(Map<String, Amount> requests, Map<String, Amount> limits) {
        Map<String, Amount> out = new TreeMap<>();
        out.put("pods", Amount.ONE);
        for (String r : List.of("cpu", "memory", "ephemeral-storage")) {
            if (requests.containsKey(r)) {
                out.put(r, requests.get(r));
                out.put("requests." + r, requests.get(r));
            }
            if (limits.containsKey(r)) {
                out.put("limits." + r, limits.get(r));
            }
        }
        requests.forEach((name, v) -> {
            if (name.startsWith("hugepages-")) {
                out.put(name, v);
                out.put("requests." + name, v);
            }
            if (!native_(name) && !name.startsWith("requests.")) {
                out.put("requests." + name, v);
            }
        });
        return out;
    }

    /** kube's {@code IsNativeResource}: no domain, or a kubernetes.io one. */
    private static boolean native_(String name) {
        return !name.contains("/") || name.contains("kubernetes.io/");
    }

    /** kube's {@code QuotaV1Pod}: not terminal, and not deleted with its grace period over. */
    static boolean charged(Pod pod, Instant now) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
            return false;
        }
        var meta = pod.getMetadata();
        if (meta != null && meta.getDeletionTimestamp() != null && meta.getDeletionGracePeriodSeconds() != null) {
            try {
                Instant end = Instant.parse(meta.getDeletionTimestamp()).plusSeconds(meta.getDeletionGracePeriodSeconds());
                return !now.isAfter(end);
            } catch (DateTimeParseException e) {
                return true;
            }
        }
        return true;
    }

    private static boolean terminating(PodSpec spec) {
        return spec.getActiveDeadlineSeconds() != null && spec.getActiveDeadlineSeconds() >= 0;
    }

    /** kube's BestEffort QoS: no container (nor the pod) requests or limits a non-zero cpu or memory. */
    static boolean bestEffort(PodSpec spec) {
        List<Map<String, Quantity>> lists = new ArrayList<>();
        Stream.concat(PodResources.list(spec.getContainers()).stream(),
                PodResources.list(spec.getInitContainers()).stream()).forEach(c -> {
                    if (c.getResources() != null) {
                        lists.add(c.getResources().getRequests());
                        lists.add(c.getResources().getLimits());
                    }
                });
        if (spec.getResources() != null) {
            lists.add(spec.getResources().getRequests());
            lists.add(spec.getResources().getLimits());
        }
        for (Map<String, Quantity> l : lists) {
            Map<String, Amount> values = ResourceLists.of(l);
            for (String r : List.of("cpu", "memory")) {
                if (values.containsKey(r) && !values.get(r).isZero()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean crossNamespaceAffinity(Affinity affinity) {
        if (affinity == null) {
            return false;
        }
        List<PodAffinityTerm> terms = new ArrayList<>();
        List<WeightedPodAffinityTerm> weighted = new ArrayList<>();
        if (affinity.getPodAffinity() != null) {
            terms.addAll(PodResources.list(affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()));
            weighted.addAll(PodResources.list(affinity.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()));
        }
        if (affinity.getPodAntiAffinity() != null) {
            terms.addAll(PodResources.list(affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()));
            weighted.addAll(PodResources.list(
                    affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()));
        }
        weighted.forEach(w -> terms.add(w.getPodAffinityTerm()));
        return terms.stream().anyMatch(t -> t != null && ((t.getNamespaces() != null && !t.getNamespaces().isEmpty())
                || t.getNamespaceSelector() != null));
    }

    private static PodSpec spec(HasMetadata obj) {
        return obj instanceof Pod p && p.getSpec() != null ? p.getSpec() : new PodSpec();
    }

    private static String name(Container c) {
        return c.getName() == null ? "" : c.getName();
    }
}
