package dev.kapi.apiserver.authz;

import org.springframework.security.authorization.AuthorizationDecision;

/** An authorizer's answer as Spring Security carries it to the access-denied handler: what was asked, and why not. */
public final class AuthorizerDecision extends AuthorizationDecision {

    private final AuthorizationAttributes attributes;
    private final String reason;
    private final String error;

    public AuthorizerDecision(boolean granted, AuthorizationAttributes attributes, String reason) {
        this(granted, attributes, reason, null);
    }

    /** @param error why no authorizer could decide (a 500 rather than a 403), null when none failed */
    public AuthorizerDecision(boolean granted, AuthorizationAttributes attributes, String reason, String error) {
        super(granted);
        this.attributes = attributes;
        this.reason = reason;
        this.error = error;
    }

    public String error() {
        return error;
    }

    public AuthorizationAttributes attributes() {
        return attributes;
    }

    public String reason() {
        return reason;
    }
}
