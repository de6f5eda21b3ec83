package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.plugin.Amount;
import dev.kapi.apiserver.api.GroupResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A quota's status computed from the objects of its namespace, as kube's resourcequota controller computes it
 * ({@code quota.CalculateUsage}): {@code hard} is {@code spec.hard}; {@code used} has, for every hard name
 * some evaluator accounts for, the sum of that evaluator's usage over the objects in all the quota's scopes
 * (zero when there are none). Names no evaluator could be asked about (a resource not served, a list that
 * failed) keep their previous value.
 */
public final class QuotaUsage {

    /** The objects of one resource in one namespace; empty when the resource is not served (here). */
    @FunctionalInterface
    public interface Objects {
        Optional<List<? extends HasMetadata>> list(GroupResource resource, String namespace);
    }

    private QuotaUsage() {
    }

    /** The status the quota should have now. */
    public static ResourceQuotaStatus status(ResourceQuota quota, Evaluators evaluators, Objects objects) {
        Map<String, Amount> hard = ResourceLists.of(quota.getSpec() == null ? null : quota.getSpec().getHard());
        Map<String, Amount> used = new TreeMap<>(ResourceLists.of(quota.getStatus() == null ? null
                : quota.getStatus().getUsed()));
        used.putAll(calculate(quota, hard.keySet(), evaluators, objects));
        return new ResourceQuotaStatus(ResourceLists.toQuantities(hard),
                ResourceLists.toQuantities(ResourceLists.mask(used, hard.keySet())));
    }

    /** Whether the quota's status already says what {@code status} says (values compared, not their text). */
    public static boolean same(ResourceQuotaStatus current, ResourceQuotaStatus status) {
        return current != null && current.getHard() != null && current.getUsed() != null
                && ResourceLists.same(ResourceLists.of(current.getHard()), ResourceLists.of(status.getHard()))
                && ResourceLists.same(ResourceLists.of(current.getUsed()), ResourceLists.of(status.getUsed()));
    }

    private static Map<String, Amount> calculate(ResourceQuota quota, Set<String> hard, Evaluators evaluators,
                                                 Objects objects) {
        String namespace = quota.getMetadata().getNamespace();
        List<ScopedResourceSelectorRequirement> scopes = QuotaScopes.of(quota);
        Map<String, Amount> out = new TreeMap<>();
        for (GroupResource gr : Evaluators.candidates(hard)) {
            if (evaluators.ignored(gr)) {
                continue;
            }
            Evaluator evaluator = evaluators.of(gr);
            Set<String> names = new TreeSet<>(evaluator.matchingResources(hard));
            if (names.isEmpty()) {
                continue;
            }
            Optional<List<? extends HasMetadata>> items = objects.list(gr, namespace);
            if (items.isEmpty()) {
                continue;
            }
            Map<String, Amount> sum = new TreeMap<>();
            for (String n : names) {
                sum.put(n, Amount.ZERO);
            }
            for (HasMetadata item : items.get()) {
                if (scopes.stream().allMatch(s -> evaluator.matchesScope(s, item))) {
                    sum = ResourceLists.add(sum, evaluator.usage(item));
                }
            }
            out.putAll(ResourceLists.mask(sum, names));
        }
        return out;
    }

    /** The resources whose objects count towards the quota (for watching them). */
    public static Set<GroupResource> tracked(ResourceQuota quota, Evaluators evaluators) {
        Set<String> hard = ResourceLists.of(quota.getSpec() == null ? null : quota.getSpec().getHard()).keySet();
        Set<GroupResource> out = new TreeSet<>(Comparator.comparing(GroupResource::toString));
        for (GroupResource gr : Evaluators.candidates(hard)) {
            if (!evaluators.ignored(gr) && !evaluators.of(gr).matchingResources(hard).isEmpty()) {
                out.add(gr);
            }
        }
        return out;
    }
}
