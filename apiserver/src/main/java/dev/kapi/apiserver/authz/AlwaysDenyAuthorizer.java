package dev.kapi.apiserver.authz;

/** {@code --authorization-mode=AlwaysDeny}: no opinion on anything, with kube-apiserver's reason. */
public final class AlwaysDenyAuthorizer implements Authorizer {

    @Override
    public Decision authorize(AuthorizationAttributes attributes) {
        return Decision.noOpinion("Everything is forbidden.");
    }
}
