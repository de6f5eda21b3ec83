package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.filters.RequestInfo;

/** {@code --authorization-mode=AlwaysAllow}: every request is allowed (the only mode until RBAC lands). */
public final class AlwaysAllowAuthorizer implements Authorizer {

    @Override
    public String deny(UserInfo user, RequestInfo request) {
        return null;
    }
}
