package dev.kapi.apiserver.authz;

/** {@code --authorization-mode=AlwaysAllow}: every request is allowed. */
public final class AlwaysAllowAuthorizer implements Authorizer {

    @Override
    public Decision authorize(AuthorizationAttributes attributes) {
        return Decision.allow("");
    }
}
