package dev.kapi.apiserver.admission.plugin.policy.validating;

/**
 * What one validation of a policy decided for one request (kube's {@code PolicyDecision}): admit or deny, and
 * whether that came from the expression ({@code ADMIT}, {@code DENY}) or from an error handled by the failure
 * policy ({@code ERROR}); a denial has a message and a reason (kube's StatusReason, {@code Invalid} unless the
 * validation names another).
 */
record PolicyDecision(Action action, Evaluated evaluated, String message, String reason) {

    enum Action { ADMIT, DENY }

    enum Evaluated { ADMIT, DENY, ERROR }

    static PolicyDecision admit() {
        return new PolicyDecision(Action.ADMIT, Evaluated.ADMIT, null, null);
    }

    /** An error: denies under failurePolicy Fail, admits under Ignore. */
    static PolicyDecision error(boolean ignore, String message) {
        return new PolicyDecision(ignore ? Action.ADMIT : Action.DENY, Evaluated.ERROR, message, null);
    }

    /** The outcome of one audit annotation (kube's {@code PolicyAuditAnnotation}). */
    record AuditAnnotation(String key, String value, Outcome outcome, String error) {
        enum Outcome { PUBLISH, EXCLUDE, ERROR }
    }
}
