package dev.kapi.apiserver.authn.serviceaccount;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kapi.apiserver.authn.TokenAuthenticator.BadCredentialsException;
import dev.kapi.apiserver.authn.UserInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceAccountTokenAuthenticatorTest {

    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    static final ServiceAccountRef SA = new ServiceAccountRef("team-a", "builder", "uid-1");
    static final KeyPair KEYS = rsa();
    static final KeyPair OTHER_KEYS = rsa();

    static final ServiceAccountKeys SA_KEYS = new ServiceAccountKeys(KEYS.getPrivate(), KEYS.getPublic(), List.of());
    static final ServiceAccountTokenOptions OPTIONS = new ServiceAccountTokenOptions(
            List.of(ISSUER, "https://old.example"), List.of(), null);

    /** The objects that exist: kind/ns/name → uid. */
    final Map<String, String> objects = new ConcurrentHashMap<>(Map.of(
            "ServiceAccount/team-a/builder", "uid-1", "Pod/team-a/web", "pod-uid", "Node/null/n1", "node-uid"));
    /** The objects being deleted: kind/ns/name → deletionTimestamp. */
    final Map<String, Instant> deleting = new ConcurrentHashMap<>();
    final ServiceAccountLookup lookup = (kind, ns, name, uid, deletedBefore) -> {
        String key = kind + "/" + ns + "/" + name;
        assertThat(deletedBefore).isEqualTo(NOW.minusSeconds(60)); // kube's invalidIfDeletedBefore
        return uid.equals(objects.get(key)) && !(deleting.containsKey(key) && deleting.get(key).isBefore(deletedBefore));
    };
    final ServiceAccountTokenAuthenticator authenticator = new ServiceAccountTokenAuthenticator(SA_KEYS, OPTIONS,
            lookup, Clock.fixed(NOW, ZoneOffset.UTC));

    static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String issue(String issuer, List<String> audiences, Instant issuedAt, BoundObject bound) {
        return new ServiceAccountTokenGenerator(SA_KEYS, issuer).issue(SA, audiences, issuedAt,
                issuedAt.plusSeconds(3600), bound);
    }

    static String valid() {
        return issue(ISSUER, List.of(ISSUER), NOW.minusSeconds(60), null);
    }

    record Case(String name, Function<ServiceAccountTokenAuthenticatorTest, String> token, List<String> audiences,
                String outcome) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("valid", t -> valid(), List.of(), "ok"),
                new Case("second issuer accepted", t -> issue("https://old.example", List.of(ISSUER),
                        NOW.minusSeconds(60), null), List.of(), "ok"),
                new Case("requested audience", t -> issue(ISSUER, List.of("vault"), NOW, null), List.of("vault"),
                        "ok"),
                new Case("bound to an existing pod", t -> issue(ISSUER, List.of(ISSUER), NOW,
                        new BoundObject("Pod", "web", "pod-uid")), List.of(), "ok"),
                new Case("bound to a pod on a node that is gone (not checked)", t -> issue(ISSUER, List.of(ISSUER),
                        NOW, new BoundObject("Pod", "web", "pod-uid", new BoundObject.PodNode("n1", "gone-uid"))),
                        List.of(), "ok"),
                new Case("bound to an existing node", t -> issue(ISSUER, List.of(ISSUER), NOW,
                        new BoundObject("Node", "n1", "node-uid")), List.of(), "ok"),
                new Case("bound to a node recreated with a new uid", t -> issue(ISSUER, List.of(ISSUER), NOW,
                        new BoundObject("Node", "n1", "old-node-uid")), List.of(), "401"),
                new Case("bound to a node that is gone", t -> {
                    t.objects.remove("Node/null/n1");
                    return issue(ISSUER, List.of(ISSUER), NOW, new BoundObject("Node", "n1", "node-uid"));
                }, List.of(), "401"),
                new Case("not a JWT", t -> "abcdef.static-token", List.of(), "none"),
                new Case("another issuer", t -> issue("https://elsewhere.example", List.of(ISSUER), NOW, null),
                        List.of(), "none"),
                new Case("wrong audience", t -> issue(ISSUER, List.of("vault"), NOW, null), List.of(), "401"),
                new Case("not the requested audience", t -> valid(), List.of("vault"), "401"),
                new Case("expired", t -> issue(ISSUER, List.of(ISSUER), NOW.minusSeconds(7200), null), List.of(),
                        "401"),
                new Case("not yet valid", t -> issue(ISSUER, List.of(ISSUER), NOW.plusSeconds(600), null), List.of(),
                        "401"),
                new Case("tampered payload", t -> tamper(valid()), List.of(), "401"),
                new Case("signed by another key with its own kid", t -> signWith(OTHER_KEYS,
                        ServiceAccountKeys.keyId(OTHER_KEYS.getPublic())), List.of(), "401"),
                new Case("signed by another key claiming our kid", t -> signWith(OTHER_KEYS,
                        SA_KEYS.signingKeyId()), List.of(), "401"),
                new Case("service account deleted", t -> {
                    t.objects.remove("ServiceAccount/team-a/builder");
                    return valid();
                }, List.of(), "401"),
                new Case("service account recreated with a new uid", t -> {
                    t.objects.put("ServiceAccount/team-a/builder", "uid-2");
                    return valid();
                }, List.of(), "401"),
                new Case("service account being deleted for over a minute", t -> {
                    t.deleting.put("ServiceAccount/team-a/builder", NOW.minusSeconds(61));
                    return valid();
                }, List.of(), "401"),
                new Case("service account being deleted for under a minute", t -> {
                    t.deleting.put("ServiceAccount/team-a/builder", NOW.minusSeconds(30));
                    return valid();
                }, List.of(), "ok"),
                new Case("bound pod being deleted for over a minute", t -> {
                    t.deleting.put("Pod/team-a/web", NOW.minusSeconds(3600));
                    return issue(ISSUER, List.of(ISSUER), NOW, new BoundObject("Pod", "web", "pod-uid"));
                }, List.of(), "401"),
                new Case("bound pod deleted", t -> {
                    String token = issue(ISSUER, List.of(ISSUER), NOW, new BoundObject("Pod", "web", "pod-uid"));
                    t.objects.remove("Pod/team-a/web");
                    return token;
                }, List.of(), "401"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void authenticates(Case c) {
        String token = c.token().apply(this);
        switch (c.outcome()) {
            case "ok" -> assertThat(authenticator.authenticateToken(token, c.audiences())).isPresent();
            case "none" -> assertThat(authenticator.authenticateToken(token, c.audiences())).isEmpty();
            default -> assertThatThrownBy(() -> authenticator.authenticateToken(token, c.audiences()))
                    .isInstanceOf(BadCredentialsException.class);
        }
    }

    /**
     * kube's audiences: a token answers for the wanted audiences it names (in the wanted order), a request's for
     * the API audiences; one for none of them is refused with kube's message (Go's %q of both lists).
     */
    @Test
    void aTokenAnswersForTheWantedAudiencesItNames() {
        String token = issue(ISSUER, List.of("vault", ISSUER), NOW, null);
        assertThat(authenticator.authenticate(token, List.of("other", ISSUER, "vault")).orElseThrow().audiences())
                .containsExactly(ISSUER, "vault");
        assertThat(authenticator.authenticate(token, List.of()).orElseThrow().audiences()).containsExactly(ISSUER);
        assertThatThrownBy(() -> authenticator.authenticate(token, List.of("other")))
                .isInstanceOf(BadCredentialsException.class)
                .hasMessage("token audiences [\"vault\" \"" + ISSUER + "\"] is invalid for the target audiences "
                        + "[\"other\"]");
        String noAudience = issue(ISSUER, List.of(), NOW, null);
        assertThat(authenticator.authenticate(noAudience, List.of()).orElseThrow().audiences())
                .as("a token naming no audience is for the API audiences (kube's implicit ones)").contains(ISSUER);
    }

    @Test
    void theUserIsTheServiceAccount() {
        String token = issue(ISSUER, List.of(ISSUER), NOW, new BoundObject("Pod", "web", "pod-uid"));
        UserInfo user = authenticator.authenticateToken(token, List.of()).orElseThrow();
        String jti = jwtId(token);
        assertThat(user.name()).isEqualTo("system:serviceaccount:team-a:builder");
        assertThat(user.uid()).isEqualTo("uid-1");
        assertThat(user.groups()).containsExactly("system:serviceaccounts", "system:serviceaccounts:team-a");
        assertThat(user.extra()).containsEntry("authentication.kubernetes.io/credential-id", List.of("JTI=" + jti))
                .containsEntry("authentication.kubernetes.io/pod-name", List.of("web"))
                .containsEntry("authentication.kubernetes.io/pod-uid", List.of("pod-uid"));
    }

    /** kube's ServiceAccountInfo.UserInfo: node-name when the token names a node, node-uid when it has one. */
    @Test
    void theUserOfAPodOrNodeBoundTokenHasItsNode() {
        String extra = "authentication.kubernetes.io/";
        UserInfo onNode = authenticator.authenticateToken(issue(ISSUER, List.of(ISSUER), NOW, new BoundObject("Pod",
                "web", "pod-uid", new BoundObject.PodNode("n1", "node-uid"))), List.of()).orElseThrow();
        assertThat(onNode.extra()).containsOnlyKeys(extra + "credential-id", extra + "pod-name", extra + "pod-uid",
                        extra + "node-name", extra + "node-uid")
                .containsEntry(extra + "node-name", List.of("n1")).containsEntry(extra + "node-uid", List.of("node-uid"));
        UserInfo onMissingNode = authenticator.authenticateToken(issue(ISSUER, List.of(ISSUER), NOW, new BoundObject(
                "Pod", "web", "pod-uid", new BoundObject.PodNode("ghost", null))), List.of()).orElseThrow();
        assertThat(onMissingNode.extra()).containsEntry(extra + "node-name", List.of("ghost"))
                .doesNotContainKey(extra + "node-uid");
        UserInfo unscheduled = authenticator.authenticateToken(issue(ISSUER, List.of(ISSUER), NOW,
                new BoundObject("Pod", "web", "pod-uid")), List.of()).orElseThrow();
        assertThat(unscheduled.extra()).doesNotContainKeys(extra + "node-name", extra + "node-uid");
        UserInfo node = authenticator.authenticateToken(issue(ISSUER, List.of(ISSUER), NOW,
                new BoundObject("Node", "n1", "node-uid")), List.of()).orElseThrow();
        assertThat(node.extra()).containsOnlyKeys(extra + "credential-id", extra + "node-name", extra + "node-uid");
    }

    /** The claim as kube's encoder writes it: keys in alphabetical order, a node without uid has none. */
    @Test
    void aPodBoundTokenNamesItsNodeBeforeThePod() {
        String token = issue(ISSUER, List.of(ISSUER), NOW,
                new BoundObject("Pod", "web", "pod-uid", new BoundObject.PodNode("ghost", null)));
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertThat(payload).contains("\"kubernetes.io\":{\"namespace\":\"team-a\",\"node\":{\"name\":\"ghost\"},"
                + "\"pod\":{\"name\":\"web\",\"uid\":\"pod-uid\"},"
                + "\"serviceaccount\":{\"name\":\"builder\",\"uid\":\"uid-1\"}}");
    }

    @Test
    void tokensCarryKubesClaims() throws Exception {
        SignedJWT jwt = SignedJWT.parse(issue(ISSUER, List.of("a", "b"), NOW, new BoundObject("Secret", "s", "s-uid")));
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(KEYS.getPublic().getEncoded())));
        JWTClaimsSet c = jwt.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo(ISSUER);
        assertThat(c.getSubject()).isEqualTo("system:serviceaccount:team-a:builder");
        assertThat(c.getAudience()).containsExactly("a", "b");
        assertThat(c.getIssueTime().toInstant()).isEqualTo(NOW);
        assertThat(c.getNotBeforeTime().toInstant()).isEqualTo(NOW);
        assertThat(c.getExpirationTime().toInstant()).isEqualTo(NOW.plusSeconds(3600));
        assertThat(c.getJWTID()).isNotBlank();
        assertThat(c.getJSONObjectClaim("kubernetes.io")).isEqualTo(Map.of("namespace", "team-a",
                "serviceaccount", Map.of("name", "builder", "uid", "uid-1"),
                "secret", Map.of("name", "s", "uid", "s-uid")));
    }

    static String tamper(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]))
                .replace("\"builder\"", "\"admin00\"");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + "."
                + parts[2];
    }

    static String signWith(KeyPair keys, String kid) {
        try {
            SignedJWT good = SignedJWT.parse(valid());
            SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(),
                    good.getJWTClaimsSet());
            forged.sign(new RSASSASigner(keys.getPrivate()));
            return forged.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String jwtId(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
