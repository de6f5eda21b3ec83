package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.registry.validation.GoValues;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaSpec;
import io.fabric8.kubernetes.api.model.ScopeSelector;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * kube's {@code ValidateResourceQuota}: hard and status names are standard quota resources (or qualified), their
 * quantities not negative and whole for counted resources; scopes are known, apply to every hard resource and do
 * not conflict (BestEffort with NotBestEffort, Terminating with NotTerminating), in {@code scopes} and in the
 * {@code scopeSelector} alike, whose operators and values must fit; on update the scopes are immutable.
 */
final class ResourceQuotaValidation {

    static final Set<String> SCOPES = Set.of("Terminating", "NotTerminating", "BestEffort", "NotBestEffort",
            "PriorityClass", "CrossNamespacePodAffinity");
    private static final Set<String> POD_COMPUTE = Set.of("cpu", "memory", "limits.cpu", "limits.memory",
            "requests.cpu", "requests.memory");
    private static final Set<String> EXISTS_ONLY = Set.of("Terminating", "NotTerminating", "BestEffort",
            "NotBestEffort", "CrossNamespacePodAffinity");
    private static final List<List<String>> CONFLICTS = List.of(List.of("BestEffort", "NotBestEffort"),
            List.of("Terminating", "NotTerminating"));

    private ResourceQuotaValidation() {
    }

    /** On create: the spec and the status. */
    static List<FieldError> validate(ResourceQuota q) {
        List<FieldError> errs = validateSpec(q);
        errs.addAll(validateStatus(q));
        return errs;
    }

    static List<FieldError> validateSpec(ResourceQuota q) {
        List<FieldError> errs = new ArrayList<>();
        ResourceQuotaSpec spec = q.getSpec() == null ? new ResourceQuotaSpec() : q.getSpec();
        resources(spec.getHard(), "spec.hard", errs);
        scopes(spec, errs);
        if (spec.getScopeSelector() != null) {
            scopeSelector(spec, errs);
        }
        return errs;
    }

    /** On update: the spec, and scopes that stay the same set. */
    static List<FieldError> validateUpdate(ResourceQuota q, ResourceQuota old) {
        List<FieldError> errs = validateSpec(q);
        List<String> scopes = scopeList(q.getSpec());
        if (!new HashSet<>(scopes).equals(new HashSet<>(scopeList(old.getSpec())))) {
            errs.add(FieldError.invalid("spec.scopes", scopesValue(q.getSpec()), "field is immutable"));
        }
        return errs;
    }

    static List<FieldError> validateStatus(ResourceQuota q) {
        List<FieldError> errs = new ArrayList<>();
        if (q.getStatus() != null) {
            resources(q.getStatus().getHard(), "status.hard", errs);
            resources(q.getStatus().getUsed(), "status.used", errs);
        }
        return errs;
    }

    /** kube's {@code IsResourceQuotaScopeValidForResource}. */
    static boolean scopeAppliesTo(String scope, String resource) {
        return switch (scope) {
            case "Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity" ->
                    "pods".equals(resource) || POD_COMPUTE.contains(resource);
            case "BestEffort" -> "pods".equals(resource);
            default -> true;
        };
    }

    private static void resources(Map<String, Quantity> list, String path, List<FieldError> errs) {
        if (list == null) {
            return;
        }
        for (Map.Entry<String, Quantity> e : new TreeMap<>(list).entrySet()) {
            String p = path + "[" + e.getKey() + "]";
            errs.addAll(ResourceNames.validateQuotaName(e.getKey(), p));
            errs.addAll(ResourceNames.validateQuantity(e.getKey(), e.getValue(), p));
        }
    }

    private static void scopes(ResourceQuotaSpec spec, List<FieldError> errs) {
        List<String> scopes = scopeList(spec);
        if (scopes.isEmpty()) {
            return;
        }
        Set<String> hard = hardNames(spec);
        GoValues.Printed value = scopesValue(spec);
        for (String scope : scopes) {
            if (!SCOPES.contains(scope)) {
                errs.add(FieldError.invalid("spec.scopes", value, "unsupported scope"));
            }
            for (String r : hard) {
                if (ResourceNames.standardQuota(r) && !scopeAppliesTo(scope, r)) {
                    errs.add(FieldError.invalid("spec.scopes", value, "unsupported scope applied to resource"));
                }
            }
        }
        conflicts(new HashSet<>(scopes), "spec.scopes", value, errs);
    }

    private static void scopeSelector(ResourceQuotaSpec spec, List<FieldError> errs) {
        String path = "spec.scopeSelector.matchExpressions";
        Set<String> hard = hardNames(spec);
        Set<String> seen = new HashSet<>();
        List<ScopedResourceSelectorRequirement> reqs = spec.getScopeSelector().getMatchExpressions() == null
                ? List.of() : spec.getScopeSelector().getMatchExpressions();
        for (ScopedResourceSelectorRequirement req : reqs) {
            String scope = req.getScopeName() == null ? "" : req.getScopeName();
            String op = req.getOperator() == null ? "" : req.getOperator();
            if (!SCOPES.contains(scope)) {
                errs.add(FieldError.invalid(path + ".scopeName", scope, "unsupported scope"));
            }
            for (String r : hard) {
                if (ResourceNames.standardQuota(r) && !scopeAppliesTo(scope, r)) {
                    errs.add(FieldError.invalid(path, selectorValue(spec.getScopeSelector()),
                            "unsupported scope applied to resource"));
                }
            }
            if (EXISTS_ONLY.contains(scope) && !"Exists".equals(op)) {
                errs.add(FieldError.invalid(path + ".operator", op, "must be 'Exists' when scope is any of "
                        + "ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, "
                        + "ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"));
            }
            boolean noValues = req.getValues() == null || req.getValues().isEmpty();
            switch (op) {
                case "In", "NotIn" -> {
                    if (noValues) {
                        errs.add(FieldError.required(path + ".values",
                                "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (!noValues) {
                        errs.add(FieldError.invalid(path + ".values", GoValues.strings(req.getValues()),
                                "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
                    }
                }
                default -> errs.add(FieldError.invalid(path + ".operator", op, "not a valid selector operator"));
            }
            seen.add(scope);
        }
        conflicts(seen, path, scopesValue(spec), errs);
    }

    private static void conflicts(Set<String> scopes, String path, GoValues.Printed value, List<FieldError> errs) {
        for (List<String> pair : CONFLICTS) {
            if (scopes.containsAll(pair)) {
                errs.add(FieldError.invalid(path, value, "conflicting scopes"));
            }
        }
    }

    private static Set<String> hardNames(ResourceQuotaSpec spec) {
        return spec.getHard() == null ? Set.of() : new TreeSet<>(spec.getHard().keySet());
    }

    private static List<String> scopeList(ResourceQuotaSpec spec) {
        return spec == null || spec.getScopes() == null ? List.of() : spec.getScopes();
    }

    /** {@code []core.ResourceQuotaScope{"BestEffort", "NotBestEffort"}}, as kube prints the scopes. */
    private static GoValues.Printed scopesValue(ResourceQuotaSpec spec) {
        List<String> scopes = spec == null ? null : spec.getScopes();
        if (scopes == null || scopes.isEmpty()) {
            return new GoValues.Printed("[]core.ResourceQuotaScope(nil)");
        }
        List<String> quoted = scopes.stream().map(GoQuote::quote).toList();
        return new GoValues.Printed("[]core.ResourceQuotaScope{" + String.join(", ", quoted) + "}");
    }

    /** The selector as Go's {@code %#v} prints a {@code *core.ScopeSelector}. */
    private static GoValues.Printed selectorValue(ScopeSelector selector) {
        List<String> items = new ArrayList<>();
        for (ScopedResourceSelectorRequirement r : selector.getMatchExpressions()) {
            items.add("core.ScopedResourceSelectorRequirement{ScopeName:" + GoQuote.quote(nz(r.getScopeName()))
                    + ", Operator:" + GoQuote.quote(nz(r.getOperator())) + ", Values:" + GoValues.strings(r.getValues()) + "}");
        }
        return new GoValues.Printed("core.ScopeSelector{MatchExpressions:[]core.ScopedResourceSelectorRequirement{"
                + String.join(", ", items) + "}}");
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
