package dev.kapi.apiserver.admission.plugin.policy.validating;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.plugin.matching.EquivalentResources;
import dev.kapi.apiserver.admission.plugin.matching.Invocation;
import dev.kapi.apiserver.admission.plugin.matching.Rule;
import dev.kapi.apiserver.admission.plugin.matching.Selectors;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchResources;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kube's policy matching ({@code policy/matching}): a policy's {@code matchConstraints}, then a binding's
 * {@code matchResources}, match a request when its namespace and object selectors match, no exclude rule matches
 * and a resource rule does (or there are none) under the matchPolicy. A selector that cannot be evaluated (the
 * request's namespace does not exist) is an error only when the rules match. Selectors left out count as
 * {@code {}} and matchPolicy as Equivalent, the values kube defaults them to.
 */
final class PolicyMatcher {

    /** A selector that could not be evaluated: kube's configuration error, handled by the failure policy. */
    static final class MatchError extends Exception {
        MatchError(String message) {
            super(message, null, false, false);
        }
    }

    private final Selectors.NamespaceLabels namespaceLabels;
    private final EquivalentResources equivalents;

    PolicyMatcher(PolicyNamespaces namespaces, EquivalentResources equivalents) {
        this.namespaceLabels = name -> namespaces.namespace(name).map(ns ->
                ns.getMetadata() == null || ns.getMetadata().getLabels() == null ? Map.of()
                        : ns.getMetadata().getLabels());
        this.equivalents = equivalents;
    }

    /**
     * The invocation (the resource and kind the request is matched at) when {@code match} matches the request,
     * empty when it does not.
     */
    Optional<Invocation> matches(MatchResources match, AdmissionAttributes a) throws MatchError {
        String deferred = null;
        try {
            if (!Selectors.namespaceMatches(match.getNamespaceSelector(), a, namespaceLabels)) {
                return Optional.empty();
            }
        } catch (StatusError | IllegalArgumentException e) {
            deferred = e.getMessage();
        }
        try {
            if (!Selectors.objectMatches(match.getObjectSelector(), a)) {
                return Optional.empty();
            }
        } catch (StatusError | IllegalArgumentException e) {
            deferred = deferred != null ? deferred : e.getMessage();
        }
        String policy = match.getMatchPolicy();
        if (Invocation.find(rules(match.getExcludeResourceRules()), policy, a, equivalents).isPresent()) {
            return Optional.empty();
        }
        List<Rule> rules = rules(match.getResourceRules());
        Optional<Invocation> invocation = rules.isEmpty()
                ? Optional.of(new Invocation(a.resource(), a.subresource(), a.kind()))
                : Invocation.find(rules, policy, a, equivalents);
        if (invocation.isPresent() && deferred != null) {
            throw new MatchError(deferred);
        }
        return invocation;
    }

    private static List<Rule> rules(List<NamedRuleWithOperations> rules) {
        return rules == null ? List.of() : rules.stream().map(Rule::of).toList();
    }
}
