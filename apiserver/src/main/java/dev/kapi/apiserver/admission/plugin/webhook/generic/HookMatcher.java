package dev.kapi.apiserver.admission.plugin.webhook.generic;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.plugin.matching.EquivalentResources;
import dev.kapi.apiserver.admission.plugin.matching.Invocation;
import dev.kapi.apiserver.admission.plugin.matching.Selectors;
import dev.kapi.apiserver.api.StatusError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Function;

/**
 * Whether a webhook is called for a request, and for which version (kube's {@code ShouldCallHook}), decided
 * without any network: namespaceSelector, objectSelector, rules (with matchPolicy), then matchConditions. A
 * selector that could not be evaluated (the request's namespace does not exist) fails the request only when the
 * webhook's rules match it, and only when the other selector does not already rule the webhook out. A
 * matchConditions error fails the request as kube does (403 naming the resource) under failurePolicy Fail and
 * skips the webhook under Ignore.
 */
public final class HookMatcher {

    private static final Logger LOG = LoggerFactory.getLogger(HookMatcher.class);

    private final Selectors.NamespaceLabels namespaces;
    private final EquivalentResources equivalents;
    private final MatchConditionEvaluator conditions;

    public HookMatcher(Selectors.NamespaceLabels namespaces, EquivalentResources equivalents,
                       MatchConditionEvaluator conditions) {
        this.namespaces = namespaces;
        this.equivalents = equivalents;
        this.conditions = conditions;
    }

    /**
     * The invocation when {@code hook} is to be called for {@code a}, else empty.
     *
     * @param versioned the request as called for an invocation (only asked for when there are matchConditions)
     * @throws StatusError when kube fails the request instead (a missing namespace, a matchConditions error)
     */
    public Optional<Invocation> match(Hook hook, AdmissionAttributes a,
                                      Function<Invocation, VersionedAttributes> versioned) {
        StatusError namespaceError = null;
        try {
            if (!Selectors.namespaceMatches(hook.namespaceSelector(), a, namespaces)) {
                return Optional.empty();
            }
        } catch (StatusError e) {
            namespaceError = e;
        }
        StatusError objectError = null;
        try {
            if (!Selectors.objectMatches(hook.objectSelector(), a)) {
                return Optional.empty();
            }
        } catch (StatusError e) {
            objectError = e;
        }
        Optional<Invocation> invocation = Invocation.find(hook.rules(), hook.matchPolicy(), a, equivalents);
        if (invocation.isEmpty()) {
            return invocation;
        }
        if (namespaceError != null) {
            throw namespaceError;
        }
        if (objectError != null) {
            throw objectError;
        }
        if (hook.matchConditions().isEmpty()) {
            return invocation;
        }
        MatchConditionEvaluator.Result result = conditions.evaluate(hook.matchConditions(),
                versioned.apply(invocation.get()));
        return switch (result.outcome()) {
            case MATCH -> invocation;
            case NO_MATCH -> Optional.empty();
            case ERROR -> {
                if (hook.ignoresFailures()) {
                    yield Optional.empty();
                }
                LOG.warn("Failed evaluating match conditions, failing closed {}: {}", hook.name(), result.error());
                throw StatusError.forbidden(a.resource().groupResource(), a.name(), result.error());
            }
        };
    }
}
