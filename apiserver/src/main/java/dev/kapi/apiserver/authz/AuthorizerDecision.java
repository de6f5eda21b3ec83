package dev.kapi.apiserver.authz;

import org.springframework.security.authorization.AuthorizationDecision;

/** An authorizer's answer as Spring Security carries it to the access-denied handler: what was asked, and why not. */
public final class AuthorizerDecision extends AuthorizationDecision {

    private final AuthorizationAttributes attributes;
    private final String reason;

    public AuthorizerDecision(boolean granted, AuthorizationAttributes attributes, String reason) {
        super(granted);
        this.attributes = attributes;
        this.reason = reason;
    }

    public AuthorizationAttributes attributes() {
        return attributes;
    }

    public String reason() {
        return reason;
    }
}
