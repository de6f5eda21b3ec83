package dev.kapi.apiserver.authz.rbac;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;

import java.util.List;

/** Null-safe reading and building of fabric8 {@link PolicyRule}s. */
public final class Rules {

    private Rules() {
    }

    public static List<String> verbs(PolicyRule r) {
        return nz(r.getVerbs());
    }

    public static List<String> apiGroups(PolicyRule r) {
        return nz(r.getApiGroups());
    }

    public static List<String> resources(PolicyRule r) {
        return nz(r.getResources());
    }

    public static List<String> resourceNames(PolicyRule r) {
        return nz(r.getResourceNames());
    }

    public static List<String> nonResourceURLs(PolicyRule r) {
        return nz(r.getNonResourceURLs());
    }

    /** A resource rule: {@code verbs} on {@code resources} in {@code apiGroups}. */
    public static PolicyRule resourceRule(List<String> apiGroups, List<String> resources, List<String> verbs) {
        return rule(apiGroups, resources, List.of(), List.of(), verbs);
    }

    /** A non-resource rule: {@code verbs} on the URL paths. */
    public static PolicyRule urlRule(List<String> urls, List<String> verbs) {
        return rule(List.of(), List.of(), List.of(), urls, verbs);
    }

    public static PolicyRule rule(List<String> apiGroups, List<String> resources, List<String> resourceNames,
                                  List<String> nonResourceURLs, List<String> verbs) {
        PolicyRule r = new PolicyRule();
        r.setApiGroups(new java.util.ArrayList<>(apiGroups));
        r.setResources(new java.util.ArrayList<>(resources));
        r.setResourceNames(new java.util.ArrayList<>(resourceNames));
        r.setNonResourceURLs(new java.util.ArrayList<>(nonResourceURLs));
        r.setVerbs(new java.util.ArrayList<>(verbs));
        return r;
    }

    /** The rule's content as a value (empty and absent lists are the same), for comparing rules. */
    public static List<List<String>> key(PolicyRule r) {
        return List.of(apiGroups(r), resources(r), resourceNames(r), nonResourceURLs(r), verbs(r));
    }

    /** The same rule with every list non-null (a copy). */
    public static PolicyRule copy(PolicyRule r) {
        return rule(apiGroups(r), resources(r), resourceNames(r), nonResourceURLs(r), verbs(r));
    }

    private static List<String> nz(List<String> l) {
        return l == null ? List.of() : l;
    }
}
