package dev.kapi.apiserver.admission.plugin.matching;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;

import java.util.List;
import java.util.Optional;

/**
 * Which version of a request a webhook or policy is called for (kube's {@code WebhookInvocation}): the request's
 * own resource and kind when a rule matches it, else with {@code matchPolicy: Equivalent} the first equivalent
 * resource a rule matches (rules in order), with that resource's kind. The object sent is then expected in that
 * version.
 */
public record Invocation(GroupVersionResource resource, String subresource, GroupVersionKind kind) {

    /** Whether this invocation is for another version than the request's. */
    public boolean converted(AdmissionAttributes a) {
        return !resource.equals(a.resource());
    }

    /**
     * The invocation for {@code rules} under {@code matchPolicy} ("Exact" or "Equivalent"; null counts as
     * Equivalent, the v1 default), or empty when no rule matches.
     */
    public static Optional<Invocation> find(List<Rule> rules, String matchPolicy, AdmissionAttributes a,
                                            EquivalentResources equivalents) {
        for (Rule r : rules) {
            if (r.matches(a)) {
                return Optional.of(new Invocation(a.resource(), a.subresource(), a.kind()));
            }
        }
        if ("Exact".equals(matchPolicy)) {
            return Optional.empty();
        }
        List<GroupVersionResource> others = equivalents.equivalents(a.resource(), a.subresource());
        for (Rule r : rules) {
            for (GroupVersionResource other : others) {
                if (!other.equals(a.resource()) && r.matches(a, other)) {
                    GroupVersionKind kind = equivalents.kindFor(other, a.subresource());
                    return Optional.of(new Invocation(other, a.subresource(), kind == null ? a.kind() : kind));
                }
            }
        }
        return Optional.empty();
    }
}
