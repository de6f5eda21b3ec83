package dev.kapi.apiserver.authn.serviceaccount;

/**
 * Tells the ServiceAccount token authenticator whether the objects a token names still exist: the
 * ServiceAccount and the object it is bound to. Implemented where the registry may be read.
 */
public interface ServiceAccountLookup {

    /**
     * Whether an object of {@code kind} ({@code ServiceAccount}, {@code Pod}, {@code Secret}, {@code Node})
     * named {@code name} in {@code namespace} (null for Nodes) exists with this {@code uid}.
     */
    boolean exists(String kind, String namespace, String name, String uid);
}
