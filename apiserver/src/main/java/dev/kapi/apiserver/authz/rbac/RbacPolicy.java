package dev.kapi.apiserver.authz.rbac;

/**
 * The RBAC objects the authorizer decides from, kept in memory (fed by watches in the registry stage).
 * {@link #current()} must be cheap and lock-free: it is read on every request.
 */
public interface RbacPolicy {

    /** The latest immutable snapshot of roles, cluster roles and bindings. */
    PolicySnapshot current();
}
