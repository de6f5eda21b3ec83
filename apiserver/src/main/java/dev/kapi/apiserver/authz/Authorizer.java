package dev.kapi.apiserver.authz;

/**
 * Decides whether a user may do what a request asks (kube-apiserver's {@code authorizer.Authorizer}).
 * Implementations: AlwaysAllow, AlwaysDeny, RBAC; {@code --authorization-mode} chains them in order.
 * Must answer from memory (no storage read per request).
 */
public interface Authorizer {

    Decision authorize(AuthorizationAttributes attributes);
}
