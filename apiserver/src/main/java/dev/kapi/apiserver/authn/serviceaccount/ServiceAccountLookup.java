package dev.kapi.apiserver.authn.serviceaccount;

import java.time.Instant;

/**
 * Tells the ServiceAccount token authenticator whether the objects a token names still exist: the
 * ServiceAccount and the object it is bound to. Implemented where the registry may be read.
 */
public interface ServiceAccountLookup {

    /**
     * Whether an object of {@code kind} ({@code ServiceAccount}, {@code Pod}, {@code Secret}, {@code Node})
     * named {@code name} in {@code namespace} (null for Nodes) exists with this {@code uid} and was not marked
     * for deletion before {@code deletedBefore} (kube: an object whose deletionTimestamp is more than a minute
     * old no longer vouches for a token, whatever finalizers still hold it).
     *
     * <p>Example: a ServiceAccount deleted at 10:00 and held by a finalizer still exists at 10:05, but
     * {@code exists("ServiceAccount", "team", "held", uid, <10:04>)} is false.
     */
    boolean exists(String kind, String namespace, String name, String uid, Instant deletedBefore);
}
