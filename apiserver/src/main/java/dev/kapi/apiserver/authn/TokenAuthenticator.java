package dev.kapi.apiserver.authn;

import java.util.List;
import java.util.Optional;

/**
 * Authenticates a bearer token by itself (static tokens, ServiceAccount JWTs, OIDC ID tokens), as used by
 * the Authorization header authenticator and by TokenReview. Empty = not a token this authenticator knows;
 * a {@link BadCredentialsException} = one it knows that is invalid (expired, bad signature, revoked).
 */
public interface TokenAuthenticator {

    /** @param audiences the audiences the token must be for (empty = the server's default audiences) */
    Optional<UserInfo> authenticateToken(String token, List<String> audiences);

    /** A credential this server recognises but refuses: a 401, never a fall-back to anonymous. */
    final class BadCredentialsException extends RuntimeException {
        public BadCredentialsException(String message) {
            super(message);
        }
    }
}
