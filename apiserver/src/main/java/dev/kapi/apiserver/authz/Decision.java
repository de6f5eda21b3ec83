package dev.kapi.apiserver.authz;

/**
 * An authorizer's answer: ALLOW or DENY decide; NO_OPINION lets the next authorizer of
 * {@code --authorization-mode} decide (none left = deny). {@code reason} explains a denial (appended to the
 * 403 message) or an allow (for review APIs).
 */
public record Decision(Kind kind, String reason) {

    public enum Kind { ALLOW, DENY, NO_OPINION }

    public static Decision allow(String reason) {
        return new Decision(Kind.ALLOW, reason);
    }

    public static Decision deny(String reason) {
        return new Decision(Kind.DENY, reason);
    }

    public static Decision noOpinion(String reason) {
        return new Decision(Kind.NO_OPINION, reason);
    }

    public boolean allowed() {
        return kind == Kind.ALLOW;
    }
}
