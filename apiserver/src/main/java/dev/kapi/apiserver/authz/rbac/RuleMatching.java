package dev.kapi.apiserver.authz.rbac;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AuthorizationAttributes;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Subject;

/**
 * Whether one RBAC rule allows one request and whether one binding subject is a user, as kube's
 * {@code rbac.RuleAllows} and {@code appliesToUser}: verbs and API groups match exactly or by {@code *};
 * resources by {@code *}, exactly ({@code pods/status}) or by {@code *&#47;<subresource>}; resourceNames
 * only when the request names one; non-resource URLs exactly, by {@code *} or by a trailing-{@code *} prefix.
 */
public final class RuleMatching {

    public static final String ALL = "*";
    private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

    private RuleMatching() {
    }

    public static boolean allows(AuthorizationAttributes a, PolicyRule rule) {
        if (a.resourceRequest()) {
            return verbMatches(rule, a.verb()) && apiGroupMatches(rule, a.apiGroup())
                    && resourceMatches(rule, a.resourceWithSubresource(), a.subresource())
                    && resourceNameMatches(rule, a.name());
        }
        return verbMatches(rule, a.verb()) && nonResourceURLMatches(rule, a.path());
    }

    public static boolean verbMatches(PolicyRule rule, String verb) {
        for (String v : Rules.verbs(rule)) {
            if (v.equals(ALL) || v.equals(verb)) {
                return true;
            }
        }
        return false;
    }

    public static boolean apiGroupMatches(PolicyRule rule, String group) {
        for (String g : Rules.apiGroups(rule)) {
            if (g.equals(ALL) || g.equals(group)) {
                return true;
            }
        }
        return false;
    }

    /** {@code combined} is {@code resource} or {@code resource/subresource}. */
    public static boolean resourceMatches(PolicyRule rule, String combined, String subresource) {
        for (String r : Rules.resources(rule)) {
            if (r.equals(ALL) || r.equals(combined)) {
                return true;
            }
            if (!subresource.isEmpty() && r.length() == subresource.length() + 2 && r.startsWith("*/")
                    && r.endsWith(subresource)) {
                return true;
            }
        }
        return false;
    }

    public static boolean resourceNameMatches(PolicyRule rule, String name) {
        if (Rules.resourceNames(rule).isEmpty()) {
            return true;
        }
        return Rules.resourceNames(rule).contains(name);
    }

    public static boolean nonResourceURLMatches(PolicyRule rule, String path) {
        for (String u : Rules.nonResourceURLs(rule)) {
            if (u.equals(ALL) || u.equals(path) || (u.endsWith("*") && path.startsWith(trimStars(u)))) {
                return true;
            }
        }
        return false;
    }

    static String trimStars(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '*') {
            end--;
        }
        return s.substring(0, end);
    }

    /**
     * Whether {@code subject} of a binding in {@code bindingNamespace} ("" for cluster role bindings) is
     * {@code user}. A ServiceAccount subject without namespace means one in the binding's namespace.
     */
    public static boolean appliesTo(UserInfo user, Subject subject, String bindingNamespace) {
        String kind = subject.getKind() == null ? "" : subject.getKind();
        String name = subject.getName() == null ? "" : subject.getName();
        return switch (kind) {
            case "User" -> name.equals(user.name());
            case "Group" -> user.groups() != null && user.groups().contains(name);
            case "ServiceAccount" -> {
                String ns = serviceAccountNamespace(subject, bindingNamespace);
                yield !ns.isEmpty() && serviceAccountUser(ns, name).equals(user.name());
            }
            default -> false;
        };
    }

    static String serviceAccountNamespace(Subject subject, String bindingNamespace) {
        return subject.getNamespace() != null && !subject.getNamespace().isEmpty() ? subject.getNamespace()
                : bindingNamespace;
    }

    /** The user name a service account authenticates as. */
    public static String serviceAccountUser(String namespace, String name) {
        return SERVICE_ACCOUNT_PREFIX + namespace + ":" + name;
    }
}
