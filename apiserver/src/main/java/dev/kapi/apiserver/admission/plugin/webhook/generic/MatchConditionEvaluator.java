package dev.kapi.apiserver.admission.plugin.webhook.generic;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;

import java.util.List;

/**
 * Evaluates a webhook's {@code matchConditions} (CEL expressions over {@code object}, {@code oldObject},
 * {@code request}, {@code authorizer}) for one request, as kube's {@code matchconditions.Matcher} does: the
 * webhook is called only when every condition is true; one false condition skips it whatever the others say;
 * otherwise an error in any condition is {@link Outcome#ERROR}, which the caller answers by the webhook's
 * failurePolicy (Fail: the request is forbidden with the error; Ignore: the webhook is skipped).
 *
 * <p>The request is the webhook's view: the request's attributes, the invocation (resource and kind the webhook
 * matched) and the objects in the invocation's version. A webhook's conditions come as the same list instance
 * until the configurations change, so an implementation may keep what it compiled from a list by its identity.
 */
@FunctionalInterface
public interface MatchConditionEvaluator {

    enum Outcome { MATCH, NO_MATCH, ERROR }

    /** What the conditions decided; {@code error} is the error text for {@link Outcome#ERROR}, else null. */
    record Result(Outcome outcome, String error) {

        public static final Result MATCH = new Result(Outcome.MATCH, null);
        public static final Result NO_MATCH = new Result(Outcome.NO_MATCH, null);

        public static Result error(String error) {
            return new Result(Outcome.ERROR, error);
        }
    }

    Result evaluate(List<MatchCondition> conditions, VersionedAttributes request);
}
