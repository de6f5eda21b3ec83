package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube's checks of a webhook's or policy's rules ({@code validateRuleWithOperations}, {@code validateRule},
 * {@code validateResources}, {@code validateNamedRuleWithOperations}): operations among {@code *}, CREATE,
 * UPDATE, DELETE, CONNECT; apiGroups, apiVersions and resources required, {@code "*"} alone; resources with
 * wildcard resources and subresources ({@code pods/*}, {@code *}&#47;{@code status}, both wildcards) and kube's
 * exclusions between them; scope among {@code *}, Cluster, Namespaced; resourceNames path segments, unique.
 */
final class RuleChecks {

    static final List<String> OPERATIONS = List.of("*", "CONNECT", "CREATE", "DELETE", "UPDATE");
    static final List<String> SCOPES = List.of("*", "Cluster", "Namespaced");

    /** The fields common to both rule types. */
    private record Rule(List<String> operations, List<String> apiGroups, List<String> apiVersions,
                        List<String> resources, String scope) {
    }

    private RuleChecks() {
    }

    static void ruleWithOperations(RuleWithOperations r, String path, List<FieldError> errs) {
        check(new Rule(r.getOperations(), r.getApiGroups(), r.getApiVersions(), r.getResources(), r.getScope()),
                path, errs);
    }

    static void namedRule(NamedRuleWithOperations r, String path, List<FieldError> errs) {
        List<String> names = r.getResourceNames() == null ? List.of() : r.getResourceNames();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i) == null ? "" : names.get(i);
            String p = path + ".resourceNames[" + i + "]";
            for (String msg : NameValidation.pathSegmentName(name)) {
                errs.add(FieldError.invalid(p, name, msg));
            }
            if (!seen.add(name)) {
                errs.add(FieldError.duplicate(p, name));
            }
        }
        check(new Rule(r.getOperations(), r.getApiGroups(), r.getApiVersions(), r.getResources(), r.getScope()),
                path, errs);
    }

    private static void check(Rule r, String path, List<FieldError> errs) {
        List<String> ops = orEmpty(r.operations());
        if (ops.isEmpty()) {
            errs.add(FieldError.required(path + ".operations", ""));
        }
        if (ops.size() > 1 && ops.contains("*")) {
            errs.add(FieldError.invalid(path + ".operations", GoText.named("OperationType", ops),
                    "if '*' is present, must not specify other operations"));
        }
        for (int i = 0; i < ops.size(); i++) {
            String op = ops.get(i) == null ? "" : ops.get(i);
            if (!OPERATIONS.contains(op)) {
                errs.add(FieldError.notSupported(path + ".operations[" + i + "]", op, OPERATIONS));
            }
        }
        List<String> groups = orEmpty(r.apiGroups());
        if (groups.isEmpty()) {
            errs.add(FieldError.required(path + ".apiGroups", ""));
        }
        if (groups.size() > 1 && groups.contains("*")) {
            errs.add(FieldError.invalid(path + ".apiGroups", GoText.strings(groups),
                    "if '*' is present, must not specify other API groups"));
        }
        List<String> versions = orEmpty(r.apiVersions());
        if (versions.isEmpty()) {
            errs.add(FieldError.required(path + ".apiVersions", ""));
        }
        if (versions.size() > 1 && versions.contains("*")) {
            errs.add(FieldError.invalid(path + ".apiVersions", GoText.strings(versions),
                    "if '*' is present, must not specify other API versions"));
        }
        for (int i = 0; i < versions.size(); i++) {
            if (versions.get(i) == null || versions.get(i).isEmpty()) {
                errs.add(FieldError.required(path + ".apiVersions[" + i + "]", ""));
            }
        }
        resources(orEmpty(r.resources()), path + ".resources", errs);
        if (r.scope() != null && !SCOPES.contains(r.scope())) {
            errs.add(FieldError.notSupported(path + ".scope", r.scope(), SCOPES));
        }
    }

    /** {@code validateResources}: subresources allowed, with kube's wildcard exclusions. */
    private static void resources(List<String> resources, String path, List<FieldError> errs) {
        if (resources.isEmpty()) {
            errs.add(FieldError.required(path, ""));
        }
        Set<String> withWildcardSubresource = new HashSet<>(); // x/*
        Set<String> subresourcesOfWildcard = new HashSet<>(); // */x
        boolean doubleWildcard = false;
        boolean singleWildcard = false;
        boolean plainResource = false;
        for (int i = 0; i < resources.size(); i++) {
            String rs = resources.get(i) == null ? "" : resources.get(i);
            if (rs.isEmpty()) {
                errs.add(FieldError.required(path + "[" + i + "]", ""));
                continue;
            }
            doubleWildcard |= rs.equals("*/*");
            singleWildcard |= rs.equals("*");
            int slash = rs.indexOf('/');
            if (slash < 0) {
                plainResource = !rs.equals("*"); // as kube: the last resource without a subresource decides
                continue;
            }
            String res = rs.substring(0, slash);
            String sub = rs.substring(slash + 1);
            if (withWildcardSubresource.contains(res)) {
                errs.add(FieldError.invalid(path + "[" + i + "]", rs,
                        "if '" + res + "/*' is present, must not specify " + rs));
            }
            if (subresourcesOfWildcard.contains(sub)) {
                errs.add(FieldError.invalid(path + "[" + i + "]", rs,
                        "if '*/" + sub + "' is present, must not specify " + rs));
            }
            if (sub.equals("*")) {
                withWildcardSubresource.add(res);
            }
            if (res.equals("*")) {
                subresourcesOfWildcard.add(sub);
            }
        }
        if (resources.size() > 1 && doubleWildcard) {
            errs.add(FieldError.invalid(path, GoText.strings(resources),
                    "if '*/*' is present, must not specify other resources"));
        }
        if (singleWildcard && plainResource) {
            errs.add(FieldError.invalid(path, GoText.strings(resources),
                    "if '*' is present, must not specify other resources without subresources"));
        }
    }

    private static List<String> orEmpty(List<String> l) {
        return l == null ? List.of() : l;
    }
}
