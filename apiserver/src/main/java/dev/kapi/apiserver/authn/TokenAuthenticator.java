package dev.kapi.apiserver.authn;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Authenticates a bearer token by itself (static tokens, ServiceAccount JWTs, OIDC ID tokens), as used by
 * the Authorization header authenticator and by TokenReview. Empty = not a token this authenticator knows (or
 * not for the audiences asked); a {@link BadCredentialsException} = one it knows that is invalid (expired, bad
 * signature, revoked).
 */
@FunctionalInterface
public interface TokenAuthenticator {

    /**
     * kube's authenticator response: the user, and the audiences the token was found valid for among those asked
     * (empty when no audience was checked: the server has no API audiences).
     */
    record Authenticated(UserInfo user, List<String> audiences) {
        public Authenticated {
            audiences = List.copyOf(audiences);
        }
    }

    /** @param audiences the audiences the token must be for (empty = the server's API audiences, a request's) */
    Optional<Authenticated> authenticate(String token, List<String> audiences);

    /** {@link #authenticate}'s user. */
    default Optional<UserInfo> authenticateToken(String token, List<String> audiences) {
        return authenticate(token, audiences).map(Authenticated::user);
    }

    /**
     * kube's audience-agnostic authenticator (static tokens, OIDC): the token is for the server's API audiences,
     * so it is only asked when one of them is among the wanted ones (empty: the API audiences themselves), and
     * answers for the audiences both name. Without API audiences nothing is checked (kube's requests carry none).
     */
    static Optional<Authenticated> audienceAgnostic(List<String> apiAudiences, List<String> audiences,
                                                    Supplier<Optional<UserInfo>> authenticate) {
        List<String> wanted = audiences == null || audiences.isEmpty() ? apiAudiences : audiences;
        if (wanted.isEmpty()) {
            return authenticate.get().map(user -> new Authenticated(user, List.of()));
        }
        List<String> both = wanted.stream().filter(apiAudiences::contains).toList(); // kube's Intersect
        if (both.isEmpty()) {
            return Optional.empty();
        }
        return authenticate.get().map(user -> new Authenticated(user, both));
    }

    /** A credential this server recognises but refuses: a 401, never a fall-back to anonymous. */
    final class BadCredentialsException extends RuntimeException {
        public BadCredentialsException(String message) {
            super(message);
        }
    }
}
