package dev.kapi.apiserver.admission.rbac;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AuthorizationAttributes;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.RuleResolver;
import dev.kapi.apiserver.authz.rbac.RbacAuthorizer;
import dev.kapi.apiserver.authz.rbac.RuleCoverage;
import dev.kapi.apiserver.authz.rbac.Rules;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;

import java.util.List;
import java.util.function.Supplier;

/**
 * RBAC privilege-escalation prevention (kube's {@code policybased} RBAC storage): a user may create or
 * update a Role or ClusterRole only with rules it already holds (in the role's namespace, or cluster-wide),
 * unless it may {@code escalate} roles/clusterroles; and a binding only to a role whose rules it holds in
 * the binding's namespace (cluster-wide for ClusterRoleBindings), unless it may {@code bind} that role.
 * Members of {@code system:masters} always pass. An aggregationRule needs full (cluster-admin) authority.
 */
public final class RbacEscalationAdmission implements ValidatingAdmission {

    private static final String GROUP = "rbac.authorization.k8s.io";
    private static final String MASTERS = "system:masters";
    private static final List<PolicyRule> FULL_AUTHORITY = List.of(
            Rules.resourceRule(List.of("*"), List.of("*"), List.of("*")),
            Rules.urlRule(List.of("*"), List.of("*")));

    private final RuleResolver rules;
    private final RbacAuthorizer roleRefs;
    private final Supplier<Authorizer> authorizer;

    /**
     * @param rules      the rules users hold
     * @param roleRefs   resolves the rules a binding's roleRef grants
     * @param authorizer the server's authorizer (asked whether a user may {@code escalate} or {@code bind})
     */
    public RbacEscalationAdmission(RuleResolver rules, RbacAuthorizer roleRefs, Supplier<Authorizer> authorizer) {
        this.rules = rules;
        this.roleRefs = roleRefs;
        this.authorizer = authorizer;
    }

    @Override
    public String name() {
        return "RBACEscalationPrevention";
    }

    @Override
    public void validate(AdmissionAttributes a) {
        if (!GROUP.equals(a.group()) || !a.mainResource()
                || a.object() == null || a.user() == null
                || (a.operation() != AdmissionAttributes.Operation.CREATE
                && a.operation() != AdmissionAttributes.Operation.UPDATE)) {
            return;
        }
        UserInfo user = a.user();
        if (user.groups() != null && user.groups().contains(MASTERS)) {
            return;
        }
        if (a.operation() == AdmissionAttributes.Operation.UPDATE && a.oldObject() != null
                && onlyGarbageCollectionFields(a.object(), a.oldObject())) {
            return;
        }
        String namespace = a.namespace() == null ? "" : a.namespace();
        GroupResource gr = a.resource().groupResource();
        String name = a.object().getMetadata().getName();
        // kube authorizes escalate for the request's name, which a create (POST to the collection) has not
        String requested = a.operation() == AdmissionAttributes.Operation.CREATE ? "" : name;
        switch (a.object()) {
            case Role role -> {
                if (!allowed(user, "escalate", "roles", namespace, requested)) {
                    confirmNoEscalation(user, namespace, nz(role.getRules()), gr, name);
                }
            }
            case ClusterRole role -> {
                if (allowed(user, "escalate", "clusterroles", "", requested)) {
                    return;
                }
                confirmNoEscalation(user, "", nz(role.getRules()), gr, name);
                boolean hadAggregation = a.oldObject() instanceof ClusterRole old && old.getAggregationRule() != null;
                if ((role.getAggregationRule() != null || hadAggregation)
                        && !RuleCoverage.covers(rules.rulesFor(user, "").rules(), FULL_AUTHORITY)) {
                    throw StatusError.forbidden(gr, name, "must have cluster-admin privileges to use the aggregationRule");
                }
            }
            case RoleBinding binding -> confirmBinding(user, binding.getRoleRef(), namespace, gr, name);
            case ClusterRoleBinding binding -> confirmBinding(user, binding.getRoleRef(), "", gr, name);
            default -> {
            }
        }
    }

    private void confirmBinding(UserInfo user, RoleRef ref, String namespace, GroupResource gr, String name) {
        String kind = ref == null || ref.getKind() == null ? "" : ref.getKind();
        String resource = switch (kind) {
            case "Role" -> "roles";
            case "ClusterRole" -> "clusterroles";
            default -> null;
        };
        if (resource != null && allowed(user, "bind", resource, namespace, ref.getName())) {
            return;
        }
        RbacAuthorizer.RoleRefRules granted = roleRefs.rulesForRoleRef(ref, namespace);
        if (granted.error() != null) {
            throw StatusError.forbidden(gr, name, granted.error());
        }
        confirmNoEscalation(user, namespace, granted.rules(), gr, name);
    }

    /** Whether the server's authorizer allows {@code verb} on the RBAC resource (with the given name). */
    private boolean allowed(UserInfo user, String verb, String resource, String namespace, String name) {
        return authorizer.get().authorize(new AuthorizationAttributes(user, verb, true, GROUP, "*", resource, "",
                namespace, name == null ? "" : name, "")).allowed();
    }

    /** kube's {@code ConfirmNoEscalation}: 403 listing the rules the user does not hold. */
    private void confirmNoEscalation(UserInfo user, String namespace, List<PolicyRule> wanted, GroupResource gr,
                                     String name) {
        RuleResolver.Rules held = rules.rulesFor(user, namespace);
        List<PolicyRule> missing = RuleCoverage.uncovered(held.rules(), wanted);
        if (missing.isEmpty()) {
            return;
        }
        String msg = "user \"" + user.name() + "\" (groups=" + RuleCoverage.goQuoted(user.groups() == null
                ? List.of() : user.groups()) + ") is attempting to grant RBAC permissions not currently held:\n"
                + RuleCoverage.describeMissing(missing);
        if (held.incomplete()) {
            msg += "; resolution errors: [" + held.evaluationError() + "]";
        }
        throw StatusError.forbidden(gr, name, msg);
    }

    /** kube's {@code IsOnlyMutatingGCFields}: only ownerReferences and finalizers differ. */
    static boolean onlyGarbageCollectionFields(HasMetadata obj, HasMetadata old) {
        var a = Json.MAPPER.valueToTree(obj);
        var b = Json.MAPPER.valueToTree(old);
        for (var tree : List.of(a, b)) {
            if (tree instanceof tools.jackson.databind.node.ObjectNode o
                    && o.get("metadata") instanceof tools.jackson.databind.node.ObjectNode meta) {
                meta.remove(List.of("ownerReferences", "finalizers", "resourceVersion", "managedFields",
                        "generation"));
            }
        }
        return a.equals(b);
    }

    private static List<PolicyRule> nz(List<PolicyRule> rules) {
        return rules == null ? List.of() : rules;
    }

}
