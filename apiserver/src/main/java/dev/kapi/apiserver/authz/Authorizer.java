package dev.kapi.apiserver.authz;

/**
 * Decides whether a user may do what a request asks (kube-apiserver's {@code authorizer.Authorizer}).
 * Implementations: AlwaysAllow, AlwaysDeny, RBAC, Webhook; {@code --authorization-mode} chains them in order.
 * Never reads storage per request (RBAC answers from memory; the webhook calls out, its answers cached); an
 * authorizer that cannot decide answers {@link Decision#failed}, never throws.
 */
public interface Authorizer {

    Decision authorize(AuthorizationAttributes attributes);
}
