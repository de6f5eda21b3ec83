package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.plugin.Amount;
import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The quota decision on one write, as kube's {@code CheckRequest}: given the namespace's quotas, either
 * refuses the write (403 in kube's words) or answers the quotas as they would be with the write charged to
 * every quota that matches it (the same list, untouched, when none changes). Pure: nothing is read or
 * written here.
 *
 * <p>Example: a quota {@code hard: pods=10} with {@code used: pods=10} refuses the create of a pod with
 * {@code pods "p" is forbidden: exceeded quota: q, requested: pods=1, used: pods=10, limited: pods=10}; with
 * {@code used: pods=3} it answers the quota with {@code used: pods=4}.
 */
public final class QuotaCheck {

    private QuotaCheck() {
    }

    public static List<ResourceQuota> check(List<ResourceQuota> quotas, AdmissionAttributes a, Evaluator evaluator,
                                            QuotaConfiguration config) {
        if (!evaluator.handles(a)) {
            return quotas;
        }
        HasMetadata obj = a.object();
        List<ScopedResourceSelectorRequirement> limitedScopes = new ArrayList<>();
        List<QuotaConfiguration.LimitedResource> limited = config.limitedFor(evaluator.groupResource());
        for (QuotaConfiguration.LimitedResource l : config.limitedResources()) {
            limitedScopes.addAll(evaluator.matchingScopes(obj, l.matchScopes()));
        }
        Set<String> limitedNames = limited.isEmpty() ? Set.of() : limitedByDefault(evaluator.usage(obj), limited);

        List<Integer> interesting = new ArrayList<>();
        Set<String> restrictedNames = new TreeSet<>();
        List<ScopedResourceSelectorRequirement> restrictedScopes = new ArrayList<>();
        for (int i = 0; i < quotas.size(); i++) {
            ResourceQuota q = quotas.get(i);
            restrictedScopes.addAll(evaluator.matchingScopes(obj, QuotaScopes.of(q)));
            if (!evaluator.matches(q, obj)) {
                continue;
            }
            List<String> restricted = evaluator.matchingResources(QuotaScopes.hardNames(q));
            String unmet = evaluator.constraints(restricted, obj);
            if (unmet != null) {
                throw forbidden(a, "failed quota: " + name(q) + ": " + unmet);
            }
            if (!hasUsage(q, restricted)) {
                throw forbidden(a, "status unknown for quota: " + name(q) + ", resources: "
                        + String.join(",", new TreeSet<>(restricted)));
            }
            interesting.add(i);
            restrictedNames.addAll(restricted);
        }

        Map<String, Amount> input = evaluator.usage(obj);
        List<String> negative = ResourceLists.negative(input);
        if (!negative.isEmpty()) {
            throw forbidden(a, "quota usage is negative for resource(s): " + String.join(",", negative));
        }
        Map<Integer, Map<String, Amount>> deltas = new LinkedHashMap<>();
        interesting.forEach(i -> deltas.put(i, input));
        Map<String, Amount> deltaWithoutQuota = a.operation() == Operation.CREATE && interesting.isEmpty()
                ? input : Map.of();
        if (a.operation() == Operation.UPDATE) {
            HasMetadata old = a.oldObject();
            if (old == null) {
                throw forbidden(a, "unable to get previous usage since prior version of object was not found");
            }
            String rv = old.getMetadata() == null ? null : old.getMetadata().getResourceVersion();
            if (rv != null && !rv.isEmpty()) {
                Map<String, Amount> delta = ResourceLists.subtractNonNegative(input, evaluator.usage(old));
                if (interesting.isEmpty()) {
                    deltaWithoutQuota = delta;
                }
                for (int i : interesting) {
                    if (evaluator.matches(quotas.get(i), old)) {
                        deltas.put(i, delta);
                    }
                }
            } else if (interesting.isEmpty()) {
                deltaWithoutQuota = input;
            }
        }
        deltas.replaceAll((i, d) -> ResourceLists.removeZeros(d));
        deltas.values().removeIf(Map::isEmpty);
        if (interesting.isEmpty() ? ResourceLists.removeZeros(deltaWithoutQuota).isEmpty() : deltas.isEmpty()) {
            return quotas;
        }
        Set<String> uncovered = new TreeSet<>(limitedNames);
        uncovered.removeAll(restrictedNames);
        if (!uncovered.isEmpty()) {
            throw forbidden(a, "insufficient quota to consume: " + String.join(",", uncovered));
        }
        List<ScopedResourceSelectorRequirement> uncoveredScopes = evaluator.uncoveredScopes(limitedScopes,
                restrictedScopes);
        if (!uncoveredScopes.isEmpty()) {
            // kube returns a plain error here, which reaches the client as a 500 without a reason
            throw StatusError.failure(500, "insufficient quota to match these scopes: " + goFormat(uncoveredScopes));
        }
        if (interesting.isEmpty()) {
            return quotas;
        }
        List<ResourceQuota> out = new ArrayList<>(quotas);
        for (Map.Entry<Integer, Map<String, Amount>> e : deltas.entrySet()) {
            ResourceQuota q = quotas.get(e.getKey());
            Map<String, Amount> hard = ResourceLists.of(q.getStatus().getHard());
            Map<String, Amount> used = ResourceLists.of(q.getStatus().getUsed());
            Map<String, Amount> requested = ResourceLists.mask(e.getValue(), hard.keySet());
            Map<String, Amount> newUsed = ResourceLists.add(used, requested);
            if (!"status".equals(a.subresource())) {
                List<String> exceeded = ResourceLists.exceeding(ResourceLists.mask(newUsed, requested.keySet()), hard);
                if (!exceeded.isEmpty()) {
                    throw forbidden(a, "exceeded quota: " + name(q)
                            + ", requested: " + ResourceLists.pretty(ResourceLists.mask(requested, exceeded))
                            + ", used: " + ResourceLists.pretty(ResourceLists.mask(used, exceeded))
                            + ", limited: " + ResourceLists.pretty(ResourceLists.mask(hard, exceeded)));
                }
            }
            out.set(e.getKey(), withUsed(q, newUsed));
        }
        return out;
    }

    /** A copy of the quota with {@code status.used} set (its status.hard kept). */
    static ResourceQuota withUsed(ResourceQuota q, Map<String, Amount> used) {
        ResourceQuota copy = new ResourceQuotaBuilder(q).build();
        ResourceQuotaStatus status = new ResourceQuotaStatus(q.getStatus() == null ? null
                : q.getStatus().getHard() == null ? null : new LinkedHashMap<>(q.getStatus().getHard()),
                ResourceLists.toQuantities(used));
        copy.setStatus(status);
        return copy;
    }

    /** Whether every name of status.hard among {@code restricted} has a value in status.used. */
    private static boolean hasUsage(ResourceQuota q, Collection<String> restricted) {
        Map<String, ?> used = q.getStatus() == null || q.getStatus().getUsed() == null ? Map.of()
                : q.getStatus().getUsed();
        return QuotaScopes.hardNames(q).stream().filter(restricted::contains).allMatch(used::containsKey);
    }

    /** kube's {@code limitedByDefault}: used names (non-zero) containing a limited resource's matchContains. */
    private static Set<String> limitedByDefault(Map<String, Amount> usage,
                                                List<QuotaConfiguration.LimitedResource> limited) {
        Set<String> out = new TreeSet<>();
        for (QuotaConfiguration.LimitedResource l : limited) {
            usage.forEach((name, v) -> {
                if (v.signum() > 0 && l.matchContains().stream().anyMatch(name::contains)) {
                    out.add(name);
                }
            });
        }
        return out;
    }

    /** Go's {@code %v} of a list of requirements: {@code [{PriorityClass In [a b]}]}. */
    private static String goFormat(List<ScopedResourceSelectorRequirement> scopes) {
        return scopes.stream().map(s -> "{" + s.getScopeName() + " " + s.getOperator() + " ["
                + String.join(" ", s.getValues() == null ? List.of() : s.getValues()) + "]}")
                .collect(Collectors.joining(" ", "[", "]"));
    }

    private static String name(ResourceQuota q) {
        return q.getMetadata() == null ? "" : q.getMetadata().getName();
    }

    /** kube's {@code admission.NewForbidden}: named by the object's name, else its generateName, else "Unknown". */
    static StatusError forbidden(AdmissionAttributes a, String why) {
        String name = "Unknown";
        HasMetadata obj = a.object();
        if (obj != null && obj.getMetadata() != null) {
            String n = obj.getMetadata().getName();
            String g = obj.getMetadata().getGenerateName();
            name = n != null && !n.isEmpty() ? n : g != null && !g.isEmpty() ? g : name;
        }
        return StatusError.forbidden(a.resource().groupResource(), name, why);
    }
}
