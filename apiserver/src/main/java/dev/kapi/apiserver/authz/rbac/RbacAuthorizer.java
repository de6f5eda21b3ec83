package dev.kapi.apiserver.authz.rbac;

import dev.kapi.apiserver.api.GoAggregate;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AuthorizationAttributes;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.Decision;
import dev.kapi.apiserver.authz.RuleResolver;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code --authorization-mode=RBAC}, as kube's RBAC authorizer: ALLOW when a rule of a role bound to the
 * user allows the request (cluster role bindings everywhere, role bindings only in their namespace),
 * otherwise NO_OPINION (with {@code RBAC: <errors>} when a binding names a missing role). Also resolves
 * the rules a user holds ({@link RuleResolver}) and the rules a role reference grants, from the in-memory
 * {@link RbacPolicy} only.
 */
public final class RbacAuthorizer implements Authorizer, RuleResolver {

    /** The rules a roleRef points at, or the error when it points at nothing. */
    public record RoleRefRules(List<PolicyRule> rules, String error) {
    }

    private final RbacPolicy policy;

    public RbacAuthorizer(RbacPolicy policy) {
        this.policy = policy;
    }

    /** Sees each rule granted to a user (with where it came from) or a resolution error; false stops. */
    private interface RuleVisitor {
        boolean visit(Source source, PolicyRule rule);

        void error(String message);
    }

    /** Which binding and subject granted a rule, described only when an allow needs a reason. */
    private record Source(Object binding, Subject subject) {
        String describe() {
            if (binding instanceof ClusterRoleBinding b) {
                return "ClusterRoleBinding \"" + b.getMetadata().getName() + "\" of " + b.getRoleRef().getKind()
                        + " \"" + b.getRoleRef().getName() + "\" to " + describe(subject, "");
            }
            RoleBinding b = (RoleBinding) binding;
            String ns = b.getMetadata().getNamespace();
            return "RoleBinding \"" + b.getMetadata().getName() + "/" + ns + "\" of " + b.getRoleRef().getKind()
                    + " \"" + b.getRoleRef().getName() + "\" to " + describe(subject, ns);
        }

        private static String describe(Subject s, String bindingNamespace) {
            if ("ServiceAccount".equals(s.getKind())) {
                return s.getKind() + " \"" + s.getName() + "/"
                        + RuleMatching.serviceAccountNamespace(s, bindingNamespace) + "\"";
            }
            return s.getKind() + " \"" + s.getName() + "\"";
        }
    }

    @Override
    public Decision authorize(AuthorizationAttributes attributes) {
        if (attributes.user() == null) {
            return Decision.noOpinion("");
        }
        Set<String> errors = new LinkedHashSet<>();
        Source[] allowedBy = new Source[1];
        visitRules(attributes.user(), attributes.namespace(), new RuleVisitor() {
            @Override
            public boolean visit(Source source, PolicyRule rule) {
                if (RuleMatching.allows(attributes, rule)) {
                    allowedBy[0] = source;
                    return false;
                }
                return true;
            }

            @Override
            public void error(String message) {
                errors.add(message);
            }
        });
        if (allowedBy[0] != null) {
            return Decision.allow("RBAC: allowed by " + allowedBy[0].describe());
        }
        return Decision.noOpinion(errors.isEmpty() ? "" : "RBAC: " + aggregate(errors));
    }

    @Override
    public Rules rulesFor(UserInfo user, String namespace) {
        List<PolicyRule> rules = new ArrayList<>();
        Set<String> errors = new LinkedHashSet<>();
        visitRules(user, namespace == null ? "" : namespace, new RuleVisitor() {
            @Override
            public boolean visit(Source source, PolicyRule rule) {
                rules.add(rule);
                return true;
            }

            @Override
            public void error(String message) {
                errors.add(message);
            }
        });
        return new Rules(List.copyOf(rules), !errors.isEmpty(), errors.isEmpty() ? "" : aggregate(errors));
    }

    /**
     * The rules {@code ref} grants for a binding in {@code bindingNamespace} ("" for a cluster role
     * binding): a Role of that namespace or a ClusterRole.
     */
    public RoleRefRules rulesForRoleRef(RoleRef ref, String bindingNamespace) {
        return roleRefRules(policy.current(), ref, bindingNamespace);
    }

    private void visitRules(UserInfo user, String namespace, RuleVisitor visitor) {
        PolicySnapshot snapshot = policy.current();
        for (ClusterRoleBinding b : snapshot.clusterRoleBindingsFor(user)) {
            Subject subject = firstApplying(user, b.getSubjects(), "");
            if (subject != null && !visitRoleRef(snapshot, new Source(b, subject), b.getRoleRef(), "", visitor)) {
                return;
            }
        }
        if (namespace.isEmpty()) {
            return;
        }
        for (RoleBinding b : snapshot.roleBindingsFor(user, namespace)) {
            Subject subject = firstApplying(user, b.getSubjects(), namespace);
            if (subject != null
                    && !visitRoleRef(snapshot, new Source(b, subject), b.getRoleRef(), namespace, visitor)) {
                return;
            }
        }
    }

    private static boolean visitRoleRef(PolicySnapshot snapshot, Source source, RoleRef ref, String namespace,
                                        RuleVisitor visitor) {
        RoleRefRules r = roleRefRules(snapshot, ref, namespace);
        if (r.error() != null) {
            visitor.error(r.error());
            return true;
        }
        for (PolicyRule rule : r.rules()) {
            if (!visitor.visit(source, rule)) {
                return false;
            }
        }
        return true;
    }

    private static RoleRefRules roleRefRules(PolicySnapshot snapshot, RoleRef ref, String namespace) {
        String kind = ref == null || ref.getKind() == null ? "" : ref.getKind();
        String name = ref == null || ref.getName() == null ? "" : ref.getName();
        switch (kind) {
            case "Role" -> {
                Role role = snapshot.role(namespace, name);
                return role == null ? new RoleRefRules(List.of(), "role.rbac.authorization.k8s.io \"" + name
                        + "\" not found") : new RoleRefRules(nz(role.getRules()), null);
            }
            case "ClusterRole" -> {
                ClusterRole role = snapshot.clusterRole(name);
                return role == null ? new RoleRefRules(List.of(), "clusterrole.rbac.authorization.k8s.io \""
                        + name + "\" not found") : new RoleRefRules(nz(role.getRules()), null);
            }
            default -> {
                return new RoleRefRules(List.of(), "unsupported role reference kind: \"" + kind + "\"");
            }
        }
    }

    private static Subject firstApplying(UserInfo user, List<Subject> subjects, String namespace) {
        for (Subject s : subjects == null ? List.<Subject>of() : subjects) {
            if (RuleMatching.appliesTo(user, s, namespace)) {
                return s;
            }
        }
        return null;
    }

    private static List<PolicyRule> nz(List<PolicyRule> rules) {
        return rules == null ? List.of() : rules;
    }

    /** apimachinery's aggregate error text: the one message, or {@code [a, b]}. */
    static String aggregate(Set<String> errors) {
        return GoAggregate.of(errors);
    }
}
