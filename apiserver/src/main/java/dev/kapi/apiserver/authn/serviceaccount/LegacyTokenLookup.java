package dev.kapi.apiserver.authn.serviceaccount;

import java.util.Optional;

/**
 * What the legacy token authenticator reads of the objects a Secret-based token names (kube's
 * {@code ServiceAccountTokenGetter}): the Secret that must still hold the token, and the ServiceAccount that must
 * still exist with the token's uid. Implemented where the registry may be read and written.
 */
public interface LegacyTokenLookup {

    /** A token Secret as the authenticator sees it. */
    record TokenSecret(String token, boolean deleting, String invalidSince, String lastUsed) {
    }

    /** A ServiceAccount as the authenticator sees it. */
    record Account(String uid, boolean deleting) {
    }

    /** Secret {@code name} in {@code namespace}; empty when there is none. */
    Optional<TokenSecret> secret(String namespace, String name);

    /** ServiceAccount {@code name} in {@code namespace}; empty when there is none. */
    Optional<Account> serviceAccount(String namespace, String name);

    /**
     * Records that the token in Secret {@code name} was used today (kube's label
     * {@code kubernetes.io/legacy-token-last-used: <yyyy-mm-dd>}); best effort, never fails the request.
     */
    void markUsed(String namespace, String name, String today);
}
