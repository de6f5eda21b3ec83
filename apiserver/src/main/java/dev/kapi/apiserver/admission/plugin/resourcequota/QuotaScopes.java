package dev.kapi.apiserver.admission.plugin.resourcequota;

import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A quota's scopes as selector requirements, and kube's match of one requirement against the single label
 * an object offers for it ({@code PriorityClass=<name>} of a pod, for instance).
 */
public final class QuotaScopes {

    private QuotaScopes() {
    }

    /** {@code spec.scopes} (each as an {@code Exists}) then {@code spec.scopeSelector.matchExpressions}. */
    public static List<ScopedResourceSelectorRequirement> of(ResourceQuota quota) {
        List<ScopedResourceSelectorRequirement> out = new ArrayList<>();
        if (quota.getSpec() == null) {
            return out;
        }
        if (quota.getSpec().getScopes() != null) {
            for (String scope : quota.getSpec().getScopes()) {
                out.add(new ScopedResourceSelectorRequirement("Exists", scope, null));
            }
        }
        if (quota.getSpec().getScopeSelector() != null
                && quota.getSpec().getScopeSelector().getMatchExpressions() != null) {
            out.addAll(quota.getSpec().getScopeSelector().getMatchExpressions());
        }
        return out;
    }

    /** The resource names of {@code status.hard}, which is what admission enforces (the controller copies spec). */
    public static Set<String> hardNames(ResourceQuota quota) {
        return quota.getStatus() == null || quota.getStatus().getHard() == null ? Set.of()
                : new TreeSet<>(quota.getStatus().getHard().keySet());
    }

    /**
     * Whether the labels ({@code scopeName} to the object's value, absent when it has none) satisfy the
     * requirement as a label selector would: {@code In}, {@code NotIn} (also when absent), {@code Exists},
     * {@code DoesNotExist}; false for any other operator.
     */
    public static boolean selects(ScopedResourceSelectorRequirement r, Map<String, String> labels) {
        String value = labels.get(r.getScopeName());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator() == null ? "" : r.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> false;
        };
    }

    /** kube's {@code UncoveredQuotaScopes} for scoped resources: limited requirements no matched one names. */
    static List<ScopedResourceSelectorRequirement> uncoveredByName(List<ScopedResourceSelectorRequirement> limited,
                                                                   List<ScopedResourceSelectorRequirement> matched) {
        List<ScopedResourceSelectorRequirement> out = new ArrayList<>();
        for (ScopedResourceSelectorRequirement l : limited) {
            if (matched.stream().noneMatch(m -> m.getScopeName() != null && m.getScopeName().equals(l.getScopeName()))) {
                out.add(l);
            }
        }
        return out;
    }
}
