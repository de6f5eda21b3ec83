package dev.kapi.apiserver.authn;

import jakarta.servlet.http.HttpServletRequest;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code Authorization: Bearer <token>}: asks each {@link TokenAuthenticator} in order (static token file,
 * ServiceAccount tokens, OIDC, ...); the first that knows the token decides. A request without an
 * Authorization header is not ours; any other header value (empty token, another scheme, a token nobody
 * knows) is a bad credential, so a 401.
 */
public final class BearerTokenAuthenticator implements Authenticator {

    private final Supplier<List<TokenAuthenticator>> tokenAuthenticators;

    /** @param tokenAuthenticators looked up per request, so that beans added later in startup take part */
    public BearerTokenAuthenticator(Supplier<List<TokenAuthenticator>> tokenAuthenticators) {
        this.tokenAuthenticators = tokenAuthenticators;
    }

    @Override
    public Optional<UserInfo> authenticate(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String[] parts = header.trim().split(" ", 3);
        if (parts.length < 2 || !parts[0].equalsIgnoreCase("bearer") || parts[1].isEmpty()) {
            throw new TokenAuthenticator.BadCredentialsException("invalid bearer token");
        }
        for (TokenAuthenticator t : tokenAuthenticators.get()) {
            Optional<UserInfo> user = t.authenticateToken(parts[1], List.of());
            if (user.isPresent()) {
                return user;
            }
        }
        throw new TokenAuthenticator.BadCredentialsException("invalid bearer token");
    }
}
