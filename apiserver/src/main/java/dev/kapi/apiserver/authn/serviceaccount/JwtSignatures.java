package dev.kapi.apiserver.authn.serviceaccount;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kapi.apiserver.authn.TokenAuthenticator.BadCredentialsException;

import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Optional;

/**
 * Signing and verifying ServiceAccount JWTs with the {@link ServiceAccountKeys}: a token is signed with the
 * signing key ({@code kid} = its key id) and verified against the key its {@code kid} names, or every verifying
 * key when it names none. Shared by bound and legacy (Secret-based) tokens.
 */
final class JwtSignatures {

    private final ServiceAccountKeys keys;
    private final JWSSigner signer;

    JwtSignatures(ServiceAccountKeys keys) {
        this.keys = keys;
        try {
            this.signer = keys.signingKey() instanceof ECPrivateKey ec ? new ECDSASigner(ec)
                    : new RSASSASigner(keys.signingKey());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable service account signing key: " + e.getMessage(), e);
        }
    }

    /** The compact serialization of {@code claims} signed with the signing key. */
    String sign(JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader.Builder(keys.signingAlgorithm()).keyID(keys.signingKeyId()).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("failed to generate token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /** Returns when a verifying key verifies {@code jwt}; otherwise a {@link BadCredentialsException}. */
    static void verify(ServiceAccountKeys keys, SignedJWT jwt) {
        String kid = jwt.getHeader().getKeyID();
        List<PublicKey> candidates = kid == null ? keys.verifyingKeys()
                : Optional.ofNullable(keys.verifyingKey(kid)).map(List::of).orElse(List.of());
        if (candidates.isEmpty()) {
            throw new BadCredentialsException("invalid bearer token: no service account key with key id " + kid);
        }
        for (PublicKey key : candidates) {
            try {
                if (jwt.verify(verifier(key))) {
                    return;
                }
            } catch (JOSEException e) {
                // wrong key type or algorithm: try the next key
            }
        }
        throw new BadCredentialsException("invalid bearer token: signature is invalid");
    }

    private static JWSVerifier verifier(PublicKey key) throws JOSEException {
        if (key instanceof RSAPublicKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (key instanceof ECPublicKey ec) {
            return new ECDSAVerifier(ec);
        }
        throw new JOSEException("unsupported key " + key.getAlgorithm());
    }
}
