package dev.kapi.apiserver.authn.serviceaccount;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kapi.apiserver.authn.ParsedJwt;
import dev.kapi.apiserver.authn.TokenAuthenticator;
import dev.kapi.apiserver.authn.UserInfo;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates legacy (Secret-based) ServiceAccount tokens as kube's legacy validator does: a JWT of issuer
 * {@value LegacyServiceAccountTokens#ISSUER}, signed by a {@code --service-account-key-file} key, whose Secret
 * exists, is not being deleted, holds exactly this token and is not labelled
 * {@code kubernetes.io/legacy-token-invalid-since}, and whose ServiceAccount exists with the token's uid and is
 * not being deleted. The user is the ServiceAccount (groups {@code system:serviceaccounts} and
 * {@code system:serviceaccounts:<ns>}); a use is recorded on the Secret once a day. The token is for its
 * {@code aud}, or (it has none, as the controller writes it) for the API audiences, as in kube.
 */
public final class LegacyTokenAuthenticator implements TokenAuthenticator {

    static final String INVALID = "Token has been invalidated";

    private final ServiceAccountKeys keys;
    private final LegacyTokenLookup lookup;
    private final Clock clock;
    private final List<String> apiAudiences;

    public LegacyTokenAuthenticator(ServiceAccountKeys keys, LegacyTokenLookup lookup, Clock clock) {
        this(keys, lookup, clock, List.of());
    }

    /** @param apiAudiences {@code --api-audiences}: a legacy token is for them (kube's implicit audiences) */
    public LegacyTokenAuthenticator(ServiceAccountKeys keys, LegacyTokenLookup lookup, Clock clock,
                                    List<String> apiAudiences) {
        this.keys = keys;
        this.lookup = lookup;
        this.clock = clock;
        this.apiAudiences = List.copyOf(apiAudiences);
    }

    @Override
    public Optional<Authenticated> authenticate(String token, List<String> audiences) {
        Optional<ParsedJwt> parsed = ParsedJwt.parse(token);
        if (parsed.isEmpty() || !LegacyServiceAccountTokens.ISSUER.equals(parsed.get().claims().getIssuer())) {
            return Optional.empty();
        }
        SignedJWT jwt = parsed.get().jwt();
        JwtSignatures.verify(keys, jwt);
        JWTClaimsSet claims = parsed.get().claims();
        List<String> valid = TokenAudiences.valid(claims.getAudience(), audiences, apiAudiences);
        String namespace = claim(claims, LegacyServiceAccountTokens.NAMESPACE);
        String secretName = claim(claims, LegacyServiceAccountTokens.SECRET_NAME);
        ServiceAccountRef account = new ServiceAccountRef(namespace,
                claim(claims, LegacyServiceAccountTokens.ACCOUNT_NAME), claim(claims, LegacyServiceAccountTokens.ACCOUNT_UID));
        if (!account.userName().equals(claims.getSubject())) {
            throw new BadCredentialsException("invalid bearer token: sub does not match the service account claims");
        }
        LegacyTokenLookup.TokenSecret secret = lookup.secret(namespace, secretName)
                .orElseThrow(() -> new BadCredentialsException(INVALID));
        if (secret.deleting()) {
            throw new BadCredentialsException(INVALID);
        }
        if (!token.equals(secret.token())) {
            throw new BadCredentialsException("Token does not match server's copy");
        }
        LegacyTokenLookup.Account sa = lookup.serviceAccount(namespace, account.name())
                .orElseThrow(() -> new BadCredentialsException("serviceaccounts \"" + account.name()
                        + "\" not found"));
        if (sa.deleting()) {
            throw new BadCredentialsException("ServiceAccount " + namespace + "/" + account.name()
                    + " has been deleted");
        }
        if (!account.uid().equals(sa.uid())) {
            throw new BadCredentialsException("ServiceAccount UID (" + sa.uid() + ") does not match claim ("
                    + account.uid() + ")");
        }
        if (secret.invalidSince() != null && !secret.invalidSince().isEmpty()) {
            throw new BadCredentialsException("Token has been invalidated: the token in secret " + namespace + "/"
                    + secretName + " for service account " + namespace + "/" + account.name() + " has been marked "
                    + "invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or "
                    + "remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to re-enable it");
        }
        String today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
        if (!today.equals(secret.lastUsed())) {
            lookup.markUsed(namespace, secretName, today);
        }
        return Optional.of(new Authenticated(new UserInfo(account.userName(), account.uid(),
                List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace), Map.of()), valid));
    }

    private static String claim(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        if (!(value instanceof String s) || s.isEmpty()) {
            throw new BadCredentialsException("invalid bearer token: the claim " + name + " is missing");
        }
        return s;
    }
}
