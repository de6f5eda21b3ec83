package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;

import java.util.List;

/**
 * Lists the rules that apply to a user in a namespace ("" = cluster-wide rules only), as kube-apiserver's
 * {@code RuleResolver}: what SelfSubjectRulesReview and {@code kubectl auth can-i --list} show, and what
 * RBAC escalation checks compare against.
 */
public interface RuleResolver {

    /** The rules, and whether the list may be incomplete (e.g. a binding names a missing role). */
    record Rules(List<PolicyRule> rules, boolean incomplete, String evaluationError) {
    }

    Rules rulesFor(UserInfo user, String namespace);
}
