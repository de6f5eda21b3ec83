package dev.kapi.apiserver.authn.serviceaccount;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kapi.apiserver.authn.ParsedJwt;
import dev.kapi.apiserver.authn.TokenAuthenticator;
import dev.kapi.apiserver.authn.UserInfo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates bound ServiceAccount tokens (kube's {@code serviceaccount.JWTTokenAuthenticator}): a JWT
 * whose issuer is one of {@code --service-account-issuer} is this authenticator's; it must then be signed
 * by a {@code --service-account-key-file} key, be for one of the requested audiences (or the API audiences),
 * be within its validity (one minute of clock skew allowed, as kube's JWT library does), and name a
 * ServiceAccount (and bound object) that still exists with the same uid. The node a pod-bound token names is
 * not checked, only passed on in the user's extra ({@code node-name}, {@code node-uid}), as kube's validator
 * does; a token bound to a Node is checked against the Node. Any failure is a
 * {@link BadCredentialsException}; a token of another issuer, or no JWT at all, is not ours (empty).
 */
public final class ServiceAccountTokenAuthenticator implements TokenAuthenticator {

    static final Duration LEEWAY = Duration.ofMinutes(1);
    /** The prefix of the keys of the user's {@code extra} kube gives a ServiceAccount token's user. */
    static final String EXTRA = "authentication.kubernetes.io/";

    private final ServiceAccountKeys keys;
    private final ServiceAccountTokenOptions options;
    private final ServiceAccountLookup lookup;
    private final Clock clock;

    public ServiceAccountTokenAuthenticator(ServiceAccountKeys keys, ServiceAccountTokenOptions options,
                                            ServiceAccountLookup lookup, Clock clock) {
        this.keys = keys;
        this.options = options;
        this.lookup = lookup;
        this.clock = clock;
    }

    @Override
    public Optional<Authenticated> authenticate(String token, List<String> audiences) {
        Optional<ParsedJwt> parsed = ParsedJwt.parse(token);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        SignedJWT jwt = parsed.get().jwt();
        JWTClaimsSet claims = parsed.get().claims();
        if (claims.getIssuer() == null || !options.issuers().contains(claims.getIssuer())) {
            return Optional.empty();
        }
        JwtSignatures.verify(keys, jwt);
        checkTimes(claims);
        List<String> valid = checkAudience(claims, audiences);
        TokenClaims kube = TokenClaims.of(claims);
        checkStillExists(kube);
        return Optional.of(new Authenticated(user(kube, claims.getJWTID()), valid));
    }

    private void checkTimes(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new BadCredentialsException("invalid bearer token: no expiry");
        }
        if (now.isAfter(exp.toInstant().plus(LEEWAY))) {
            throw new BadCredentialsException("invalid bearer token: token is expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(LEEWAY).isBefore(nbf.toInstant())) {
            throw new BadCredentialsException("invalid bearer token: token is not valid yet");
        }
    }

    /** The wanted audiences the token is for (kube's: in the wanted order), refused when there is none. */
    private List<String> checkAudience(JWTClaimsSet claims, List<String> audiences) {
        return TokenAudiences.valid(claims.getAudience(), audiences, options.apiAudiences());
    }

    private void checkStillExists(TokenClaims kube) {
        ServiceAccountRef sa = kube.serviceAccount();
        Instant deletedBefore = clock.instant().minus(LEEWAY); // kube's invalidIfDeletedBefore
        if (!lookup.exists("ServiceAccount", sa.namespace(), sa.name(), sa.uid(), deletedBefore)) {
            throw new BadCredentialsException("service account " + sa.namespace() + "/" + sa.name() + " (uid "
                    + sa.uid() + ") no longer exists");
        }
        BoundObject bound = kube.bound();
        if (bound != null && !lookup.exists(bound.kind(), bound.namespaced() ? sa.namespace() : null,
                bound.name(), bound.uid(), deletedBefore)) {
            throw new BadCredentialsException("the " + bound.kind() + " " + bound.name() + " (uid " + bound.uid()
                    + ") the token is bound to no longer exists");
        }
    }

    /** The node of the user: its name, and its uid when known (a pod's node may not have existed at issue). */
    private static void node(Map<String, List<String>> extra, String name, String uid) {
        extra.put(EXTRA + "node-name", List.of(name));
        if (uid != null) {
            extra.put(EXTRA + "node-uid", List.of(uid));
        }
    }

    private static UserInfo user(TokenClaims kube, String jti) {
        ServiceAccountRef sa = kube.serviceAccount();
        Map<String, List<String>> extra = new LinkedHashMap<>();
        if (jti != null && !jti.isEmpty()) {
            extra.put(EXTRA + "credential-id", List.of("JTI=" + jti));
        }
        BoundObject bound = kube.bound();
        if (bound != null && bound.kind().equals("Pod")) {
            extra.put(EXTRA + "pod-name", List.of(bound.name()));
            extra.put(EXTRA + "pod-uid", List.of(bound.uid()));
            if (bound.node() != null) {
                node(extra, bound.node().name(), bound.node().uid());
            }
        } else if (bound != null && bound.kind().equals("Node")) {
            node(extra, bound.name(), bound.uid());
        }
        List<String> groups = new ArrayList<>(List.of("system:serviceaccounts",
                "system:serviceaccounts:" + sa.namespace()));
        return new UserInfo(sa.userName(), sa.uid(), List.copyOf(groups), Map.copyOf(extra));
    }
}
