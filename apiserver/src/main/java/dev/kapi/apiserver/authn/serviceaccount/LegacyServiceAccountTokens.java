package dev.kapi.apiserver.authn.serviceaccount;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * kube's legacy (Secret-based) ServiceAccount tokens, which the token controller writes into Secrets of type
 * {@code kubernetes.io/service-account-token}: a JWS signed with the ServiceAccount signing key, issuer
 * {@value #ISSUER}, subject {@code system:serviceaccount:<ns>:<name>}, and the claims
 * {@code kubernetes.io/serviceaccount/namespace}, {@code .../secret.name}, {@code .../service-account.name} and
 * {@code .../service-account.uid}; no expiry and no audience. It stays valid while its Secret holds it and its
 * ServiceAccount exists ({@link LegacyTokenAuthenticator}).
 */
public final class LegacyServiceAccountTokens {

    /** kube's {@code LegacyIssuer}. */
    public static final String ISSUER = "kubernetes/serviceaccount";
    static final String NAMESPACE = "kubernetes.io/serviceaccount/namespace";
    static final String SECRET_NAME = "kubernetes.io/serviceaccount/secret.name";
    static final String ACCOUNT_NAME = "kubernetes.io/serviceaccount/service-account.name";
    static final String ACCOUNT_UID = "kubernetes.io/serviceaccount/service-account.uid";

    private final JwtSignatures signatures;

    public LegacyServiceAccountTokens(ServiceAccountKeys keys) {
        this.signatures = new JwtSignatures(keys);
    }

    /** The token Secret {@code secretName} holds for ServiceAccount {@code account}. */
    public String issue(ServiceAccountRef account, String secretName) {
        return signatures.sign(new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(account.userName())
                .claim(NAMESPACE, account.namespace())
                .claim(SECRET_NAME, secretName)
                .claim(ACCOUNT_NAME, account.name())
                .claim(ACCOUNT_UID, account.uid())
                .build());
    }
}
