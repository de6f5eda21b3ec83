package dev.kapi.apiserver.admission.plugin.matching;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.api.GroupVersionResource;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;

import java.util.List;

/**
 * One admission rule (kube's {@code RuleWithOperations}, and the rule part of a policy's
 * {@code NamedRuleWithOperations}) and kube's matching of it against a request
 * ({@code webhook/predicates/rules}): every list matches on {@code "*"} or the request's value; a resource entry
 * is {@code resource} (the resource itself), {@code resource/subresource}, with {@code *} in either part
 * ({@code pods/*}, {@code * /status}, {@code * / *}); the scope {@code Cluster} matches cluster-scoped requests and
 * the namespace object, {@code Namespaced} namespaced ones, {@code *} or none both. {@code resourceNames}, when not
 * empty, must contain the request's name (policies only).
 */
public record Rule(List<String> operations, List<String> apiGroups, List<String> apiVersions, List<String> resources,
                   String scope, List<String> resourceNames) {

    public Rule {
        operations = operations == null ? List.of() : List.copyOf(operations);
        apiGroups = apiGroups == null ? List.of() : List.copyOf(apiGroups);
        apiVersions = apiVersions == null ? List.of() : List.copyOf(apiVersions);
        resources = resources == null ? List.of() : List.copyOf(resources);
        resourceNames = resourceNames == null ? List.of() : List.copyOf(resourceNames);
    }

    public static Rule of(RuleWithOperations r) {
        return new Rule(r.getOperations(), r.getApiGroups(), r.getApiVersions(), r.getResources(), r.getScope(), null);
    }

    public static Rule of(NamedRuleWithOperations r) {
        return new Rule(r.getOperations(), r.getApiGroups(), r.getApiVersions(), r.getResources(), r.getScope(),
                r.getResourceNames());
    }

    /** Whether the request matches this rule when it addresses {@code resource} (the request's, or an equivalent). */
    public boolean matches(AdmissionAttributes a, GroupVersionResource resource) {
        return listed(operations, a.operation().name())
                && listed(apiGroups, resource.group())
                && listed(apiVersions, resource.version())
                && resourceMatches(resource.resource(), a.subresource())
                && scopeMatches(a, resource)
                && (resourceNames.isEmpty() || resourceNames.contains(a.name()));
    }

    public boolean matches(AdmissionAttributes a) {
        return matches(a, a.resource());
    }

    private static boolean listed(List<String> values, String value) {
        return values.contains("*") || values.contains(value);
    }

    private boolean resourceMatches(String resource, String subresource) {
        for (String entry : resources) {
            int slash = entry.indexOf('/');
            String res = slash < 0 ? entry : entry.substring(0, slash);
            String sub = slash < 0 ? "" : entry.substring(slash + 1);
            if ((res.equals("*") || res.equals(resource)) && (sub.equals("*") || sub.equals(subresource))) {
                return true;
            }
        }
        return false;
    }

    private boolean scopeMatches(AdmissionAttributes a, GroupVersionResource resource) {
        boolean namespaceObject = resource.group().isEmpty() && resource.resource().equals("namespaces");
        boolean noNamespace = a.namespace() == null || a.namespace().isEmpty();
        return switch (scope == null ? "*" : scope) {
            case "Namespaced" -> !namespaceObject && !noNamespace;
            case "Cluster" -> namespaceObject || noNamespace;
            default -> true;
        };
    }
}
