package dev.kapi.apiserver.authz;

/**
 * An authorizer's answer: ALLOW or DENY decide; NO_OPINION lets the next authorizer of
 * {@code --authorization-mode} decide (none left = deny). {@code reason} explains a denial (appended to the
 * 403 message) or an allow (for review APIs). {@code error} (null when none) says the authorizer could not
 * decide (a webhook that could not be asked): a request that no authorizer allows then gets kube's 500
 * instead of a 403, and an access review its {@code evaluationError}.
 */
public record Decision(Kind kind, String reason, String error) {

    public enum Kind { ALLOW, DENY, NO_OPINION }

    public Decision(Kind kind, String reason) {
        this(kind, reason, null);
    }

    public static Decision allow(String reason) {
        return new Decision(Kind.ALLOW, reason);
    }

    public static Decision deny(String reason) {
        return new Decision(Kind.DENY, reason);
    }

    public static Decision noOpinion(String reason) {
        return new Decision(Kind.NO_OPINION, reason);
    }

    /** No opinion because the authorizer failed ({@code error}, e.g. the webhook's call in client-go's words). */
    public static Decision failed(String error) {
        return new Decision(Kind.NO_OPINION, "", error);
    }

    public boolean allowed() {
        return kind == Kind.ALLOW;
    }
}
