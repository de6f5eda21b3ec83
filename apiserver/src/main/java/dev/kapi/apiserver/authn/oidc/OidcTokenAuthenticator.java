package dev.kapi.apiserver.authn.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kapi.apiserver.authn.ParsedJwt;
import dev.kapi.apiserver.authn.TokenAuthenticator;
import dev.kapi.apiserver.authn.UserInfo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates OIDC ID tokens as kube-apiserver's {@code --oidc-*} authenticator: a JWT whose {@code iss}
 * is {@code --oidc-issuer-url} is this authenticator's; it must be signed with one of {@code --oidc-signing-algs}
 * (RS256 by default) by one of the issuer's keys (see {@link OidcProviderKeys}), have {@code --oidc-client-id}
 * among its audiences, be unexpired and carry each {@code --oidc-required-claim} with its value. The
 * user name is the username claim with its prefix; an {@code email} claim is refused when
 * {@code email_verified} is present and not true. Groups come from the groups claim (a string or a list),
 * each prefixed. Like kube, the authenticator is audience-agnostic: a request for audiences that do not
 * include one of the API audiences is not answered (empty).
 */
public final class OidcTokenAuthenticator implements TokenAuthenticator {

    /** Clock skew allowed for {@code nbf}, as go-oidc allows. */
    static final Duration NOT_BEFORE_LEEWAY = Duration.ofMinutes(5);

    private final OidcOptions options;
    private final OidcProviderKeys keys;
    private final List<String> apiAudiences;
    private final Clock clock;
    private final List<JWSAlgorithm> signingAlgorithms;
    private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();

    public OidcTokenAuthenticator(OidcOptions options, OidcProviderKeys keys, List<String> apiAudiences, Clock clock) {
        this.options = options;
        this.keys = keys;
        this.apiAudiences = List.copyOf(apiAudiences);
        this.clock = clock;
        this.signingAlgorithms = options.signingAlgorithms();
    }

    @Override
    public Optional<Authenticated> authenticate(String token, List<String> audiences) {
        return TokenAuthenticator.audienceAgnostic(apiAudiences, audiences, () -> user(token));
    }

    private Optional<UserInfo> user(String token) {
        Optional<ParsedJwt> parsed = ParsedJwt.parse(token);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        SignedJWT jwt = parsed.get().jwt();
        JWTClaimsSet claims = parsed.get().claims();
        if (!options.issuerUrl().equals(claims.getIssuer())) {
            return Optional.empty();
        }
        verifySignature(jwt);
        checkClaims(claims);
        return Optional.of(new UserInfo(options.effectiveUsernamePrefix() + username(claims), "", groups(claims),
                Map.of()));
    }

    private void verifySignature(SignedJWT jwt) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!signingAlgorithms.contains(alg)) {
            throw new BadCredentialsException("oidc: id token signed with unsupported algorithm, expected "
                    + options.signingAlgs() + " got \"" + alg + "\"");
        }
        List<JWK> candidates;
        try {
            candidates = keys.keysFor(jwt.getHeader().getKeyID());
        } catch (IllegalStateException e) {
            throw new BadCredentialsException("oidc: authenticator not initialized: " + e.getMessage());
        }
        for (JWK jwk : candidates) {
            try {
                if (jwk instanceof AsymmetricJWK key
                        && jwt.verify(verifiers.createJWSVerifier(jwt.getHeader(), key.toPublicKey()))) {
                    return;
                }
            } catch (JOSEException e) {
                // a key of another type: try the next one
            }
        }
        throw new BadCredentialsException("oidc: verify token: failed to verify signature");
    }

    private void checkClaims(JWTClaimsSet claims) {
        Instant now = clock.instant();
        if (claims.getExpirationTime() == null || !now.isBefore(claims.getExpirationTime().toInstant())) {
            throw new BadCredentialsException("oidc: verify token: token is expired (Token Expiry: "
                    + claims.getExpirationTime() + ")");
        }
        if (claims.getNotBeforeTime() != null
                && now.plus(NOT_BEFORE_LEEWAY).isBefore(claims.getNotBeforeTime().toInstant())) {
            throw new BadCredentialsException("oidc: verify token: current time before the nbf (not before) time");
        }
        List<String> aud = claims.getAudience() == null ? List.of() : claims.getAudience();
        if (!aud.contains(options.clientId())) {
            throw new BadCredentialsException("oidc: verify token: expected audience \"" + options.clientId()
                    + "\" got " + aud);
        }
        options.requiredClaims().forEach((claim, want) -> {
            Object got = claims.getClaim(claim);
            if (got == null) {
                throw new BadCredentialsException("oidc: parse claim " + claim + ": claim not present");
            }
            if (!(got instanceof String value)) {
                throw new BadCredentialsException("oidc: parse claim " + claim + ": not a string");
            }
            if (!value.equals(want)) {
                throw new BadCredentialsException("oidc: required claim " + claim + " value does not match. Got = "
                        + value + ", want = " + want);
            }
        });
    }

    private String username(JWTClaimsSet claims) {
        String claim = options.usernameClaim();
        Object value = claims.getClaim(claim);
        if (!(value instanceof String name) || name.isEmpty()) {
            throw new BadCredentialsException("oidc: parse username claims \"" + claim + "\": claim not present");
        }
        if (claim.equals("email") && claims.getClaims().containsKey("email_verified")
                && !Boolean.TRUE.equals(claims.getClaim("email_verified"))) {
            throw new BadCredentialsException("oidc: email not verified");
        }
        return name;
    }

    private List<String> groups(JWTClaimsSet claims) {
        if (options.groupsClaim().isEmpty()) {
            return List.of();
        }
        Object value = claims.getClaim(options.groupsClaim());
        List<String> groups = new ArrayList<>();
        if (value instanceof String s) {
            groups.add(s);
        } else if (value instanceof Collection<?> c) {
            for (Object o : c) {
                if (!(o instanceof String s)) {
                    throw new BadCredentialsException("oidc: parse groups claim \"" + options.groupsClaim()
                            + "\": not a list of strings");
                }
                groups.add(s);
            }
        } else if (value != null) {
            throw new BadCredentialsException("oidc: parse groups claim \"" + options.groupsClaim()
                    + "\": not a string or a list of strings");
        }
        return groups.stream().map(g -> options.groupsPrefix() + g).toList();
    }
}
