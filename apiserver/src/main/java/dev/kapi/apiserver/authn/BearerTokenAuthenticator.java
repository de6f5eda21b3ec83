package dev.kapi.apiserver.authn;

import jakarta.servlet.http.HttpServletRequest;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code Authorization: Bearer <token>}: asks each {@link TokenAuthenticator} in order (static token file,
 * ServiceAccount tokens, OIDC, the authentication webhook); the first that authenticates the token decides. As
 * kube's union of token authenticators, one that refuses the token (expired, bad signature) or fails does not stop
 * the others from being asked; when none authenticates it, the first refusal or failure is the answer (a 401). A request without an
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
        RuntimeException refused = null;
        for (TokenAuthenticator t : tokenAuthenticators.get()) {
            try {
                Optional<UserInfo> user = t.authenticateToken(parts[1], List.of());
                if (user.isPresent()) {
                    return user;
                }
            } catch (RuntimeException e) { // a refusal or a failure (an issuer that cannot be reached): the next
                if (refused == null) {
                    refused = e;
                }
            }
        }
        throw refused != null ? refused : new TokenAuthenticator.BadCredentialsException("invalid bearer token");
    }
}
