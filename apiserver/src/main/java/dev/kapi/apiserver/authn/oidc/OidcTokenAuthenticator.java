package dev.kapi.apiserver.authn.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.authn.ParsedJwt;
import dev.kapi.apiserver.authn.TokenAuthenticator;
import dev.kapi.apiserver.authn.UserInfo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A JWT authenticator as kube-apiserver's (its {@code --oidc-*} flags, or one {@code jwt[]} entry of
 * {@code --authentication-config}): a JWT whose {@code iss} is the issuer's URL is this authenticator's; it must be
 * signed with one of the allowed algorithms by one of the issuer's keys (see {@link OidcProviderKeys}), name one of
 * the audiences (all of them with {@code MatchAny}) and be unexpired; then {@link ClaimMapper} names the user and
 * checks the validation rules. Like kube, the authenticator is audience-agnostic: a request for audiences that do
 * not include one of the API audiences is not answered (empty).
 */
public final class OidcTokenAuthenticator implements TokenAuthenticator {

    /** Clock skew allowed for {@code nbf}, as kube 1.32's go-oidc (v2) allows. */
    static final Duration NOT_BEFORE_LEEWAY = Duration.ofMinutes(1);
    /** The algorithms an {@code --authentication-config} authenticator accepts: kube's asymmetric ones. */
    public static final List<JWSAlgorithm> ALL_ASYMMETRIC = OidcOptions.ALLOWED_SIGNING_ALGS.stream().sorted()
            .map(JWSAlgorithm::parse).toList();

    private final JwtAuthenticatorConfig config;
    private final ClaimMapper mapper;
    private final OidcProviderKeys keys;
    private final List<String> apiAudiences;
    private final Clock clock;
    private final List<JWSAlgorithm> signingAlgorithms;
    private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();

    /** The authenticator of the {@code --oidc-*} flags. */
    public OidcTokenAuthenticator(OidcOptions options, OidcProviderKeys keys, List<String> apiAudiences, Clock clock) {
        this(options.toConfig(), options.signingAlgorithms(), keys, apiAudiences, clock);
    }

    /** One authenticator of a (validated) configuration, its tokens signed with one of {@code algorithms}. */
    public OidcTokenAuthenticator(JwtAuthenticatorConfig config, List<JWSAlgorithm> algorithms, OidcProviderKeys keys,
                                  List<String> apiAudiences, Clock clock) {
        this.config = config;
        this.mapper = new ClaimMapper(config);
        this.keys = keys;
        this.apiAudiences = List.copyOf(apiAudiences);
        this.clock = clock;
        this.signingAlgorithms = List.copyOf(algorithms);
    }

    /** The {@code iss} this authenticator's tokens carry. */
    public String issuer() {
        return config.issuer().url();
    }

    /**
     * Reads the issuer's discovery document and keys now (kube's health check of a reloaded authenticator).
     *
     * @throws IllegalStateException when they cannot be read
     */
    public void checkProvider() {
        keys.keysFor(null);
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
        if (!config.issuer().url().equals(claims.getIssuer())) {
            return Optional.empty();
        }
        verifySignature(jwt);
        checkClaims(claims);
        return Optional.of(mapper.user(jwt.getPayload().toString()));
    }

    private void verifySignature(SignedJWT jwt) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!signingAlgorithms.contains(alg)) {
            throw new BadCredentialsException("oidc: id token signed with unsupported algorithm, expected "
                    + signingAlgorithms + " got \"" + alg + "\"");
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
        List<String> wanted = config.issuer().audiences();
        if (wanted.stream().noneMatch(aud::contains)) {
            throw new BadCredentialsException(wanted.size() == 1
                    ? "oidc: verify token: expected audience \"" + wanted.getFirst() + "\" got " + aud
                    : "oidc: verify token: expected audience in " + goList(wanted.stream().sorted().toList())
                    + " got " + goList(aud));
        }
    }

    /** Go's {@code %q} of a string slice: {@code ["a" "b"]}. */
    private static String goList(List<String> values) {
        return "[" + String.join(" ", values.stream().map(GoQuote::quote).toList()) + "]";
    }
}
