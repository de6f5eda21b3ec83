package dev.kapi.apiserver.endpoints.tokens;

import com.nimbusds.jwt.SignedJWT;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.TokenAuthenticator.BadCredentialsException;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountKeys;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenAuthenticator;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenGenerator;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenOptions;
import dev.kapi.apiserver.authz.AuthorizedRequest;
import dev.kapi.apiserver.endpoints.ResourceDispatcher;
import dev.kapi.apiserver.endpoints.Responses;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1Authentication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** TokenRequest through the resource dispatcher on a real etcd, and the lifecycle of the tokens it issues. */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenRequestHandlerTest {

    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    static final String NS = "tokens";
    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    EtcdStorage storage;
    StoreRegistry stores;
    ResourceDispatcher dispatcher;
    ServiceAccountKeys keys;
    ServiceAccountTokenOptions options;
    WatchedServiceAccountLookup lookup;

    @BeforeAll
    void start() throws Exception {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        stores = TestStores.of(storage, prefix);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        keys = new ServiceAccountKeys(kp.getPrivate(), kp.getPublic(), List.of());
        options = new ServiceAccountTokenOptions(List.of(ISSUER), List.of(), Duration.ofHours(2));
        BoundObjects objects = new BoundObjects(stores);
        dispatcher = new ResourceDispatcher(stores, Writes.PIPELINE, java.util.Map.of(), new TokenRequestHandler(
                new ServiceAccountTokenGenerator(keys, ISSUER), options, objects, Clock.fixed(NOW, ZoneOffset.UTC)), null);
        lookup = new WatchedServiceAccountLookup(objects).start();
        create("ServiceAccount", new ServiceAccountBuilder().withMetadata(meta("builder")).build());
        create("ServiceAccount", new ServiceAccountBuilder().withMetadata(meta("other")).build());
        create("Pod", new PodBuilder().withMetadata(meta("web")).withNewSpec().withServiceAccountName("builder")
                .addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().build());
    }

    @AfterAll
    void stop() {
        lookup.close();
        storage.close();
    }

    static io.fabric8.kubernetes.api.model.ObjectMeta meta(String name) {
        return new ObjectMetaBuilder().withName(name).build();
    }

    HasMetadata create(String kind, HasMetadata obj) {
        return Writes.create(new BoundObjects(stores).store(kind), NS, obj);
    }

    MockHttpServletResponse send(String method, String path, String contentType, byte[] body) throws Exception {
        MockHttpServletRequest req = new MockHttpServletRequest(method, path);
        req.setContentType(contentType);
        req.setContent(body);
        MockHttpServletResponse res = new MockHttpServletResponse();
        try {
            dispatcher.dispatch(new AuthorizedRequest(UserInfo.anonymous(), RequestInfoResolver.resolve(method, path,
                    null, null), method, path), req, res);
        } catch (StatusError e) {
            Responses.writeError(res, e);
        }
        return res;
    }

    MockHttpServletResponse post(String sa, String body) throws Exception {
        return send("POST", "/api/v1/namespaces/" + NS + "/serviceaccounts/" + sa + "/token", "application/json",
                body.getBytes());
    }

    record Case(String name, String sa, String body, int code, String check) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String tr = "\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\"";
        return Stream.of(
                new Case("defaults", "builder", "{" + tr + "}", 201,
                        "{\"expirationSeconds\":3600,\"audiences\":[\"" + ISSUER + "\"]}"),
                new Case("empty spec, no type meta", "builder", "{\"spec\":{}}", 201, "{\"expirationSeconds\":3600}"),
                new Case("audiences and expiration", "builder",
                        "{" + tr + ",\"spec\":{\"audiences\":[\"vault\"],\"expirationSeconds\":1200}}", 201,
                        "{\"expirationSeconds\":1200,\"audiences\":[\"vault\"]}"),
                new Case("capped by the max expiration", "builder",
                        "{" + tr + ",\"spec\":{\"expirationSeconds\":86400}}", 201, "{\"expirationSeconds\":7200}"),
                new Case("bound to its pod", "builder", "{" + tr + ",\"spec\":{\"boundObjectRef\":{"
                        + "\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"web\"}}}", 201,
                        "{\"boundObjectRef\":{\"kind\":\"Pod\",\"name\":\"web\"}}"),
                new Case("too short", "builder", "{" + tr + ",\"spec\":{\"expirationSeconds\":300}}", 422,
                        "\"builder\" is invalid: spec.expirationSeconds: "
                                + "Invalid value: 300: may not specify a duration less than 10 minutes"),
                new Case("missing service account", "nobody", "{" + tr + "}", 404,
                        "serviceaccounts \"nobody\" not found"),
                new Case("another name in the body", "nobody", "{" + tr + ",\"metadata\":{\"name\":\"builder\"}}", 422,
                        "TokenRequest.authentication.k8s.io \"nobody\" is invalid: metadata.name: Invalid value: "
                                + "\"builder\": must match the service account name if specified"),
                new Case("wrong kind", "builder", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}", 400,
                        "the API version in the data (v1) does not match the expected API version "
                                + "(authentication.k8s.io/v1)"),
                new Case("pod of another service account", "other", "{" + tr + ",\"spec\":{\"boundObjectRef\":{"
                        + "\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"web\"}}}", 400,
                        "cannot bind token for serviceaccount \"other\" to pod running with different serviceaccount "
                                + "name."),
                new Case("bound pod uid differs", "builder", "{" + tr + ",\"spec\":{\"boundObjectRef\":{"
                        + "\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"web\",\"uid\":\"old\"}}}", 409,
                        "Operation cannot be fulfilled on Pod \"web\": the UID in the bound object reference (old) "
                                + "does not match the UID in record. The object might have been deleted and then "
                                + "recreated"),
                new Case("missing bound pod", "builder", "{" + tr + ",\"spec\":{\"boundObjectRef\":{"
                        + "\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"gone\"}}}", 404,
                        "pods \"gone\" not found"),
                new Case("unbindable kind", "builder", "{" + tr + ",\"spec\":{\"boundObjectRef\":{"
                        + "\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"name\":\"d\"}}}", 400,
                        "cannot bind token to object of type apps/v1, Kind=Deployment"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersTokenRequests(Case c) throws Exception {
        MockHttpServletResponse res = post(c.sa(), c.body());
        assertThat(res.getStatus()).as(res.getContentAsString()).isEqualTo(c.code());
        JsonNode body = Json.MAPPER.readTree(res.getContentAsString());
        if (c.code() != 201) {
            assertThat(body.path("kind").asString()).isEqualTo("Status");
            assertThat(body.path("message").asString()).endsWith(c.check());
            return;
        }
        assertThat(body.path("apiVersion").asString()).isEqualTo("authentication.k8s.io/v1");
        assertThat(body.path("kind").asString()).isEqualTo("TokenRequest");
        assertThat(body.path("metadata").path("name").asString()).isEqualTo(c.sa());
        assertThat(body.path("metadata").path("namespace").asString()).isEqualTo(NS);
        assertContains(body.path("spec"), Json.MAPPER.readTree(c.check()));
        long seconds = body.path("spec").path("expirationSeconds").asLong();
        assertThat(body.path("status").path("expirationTimestamp").asString())
                .isEqualTo(NOW.plusSeconds(seconds).toString());
        SignedJWT jwt = SignedJWT.parse(body.path("status").path("token").asString());
        assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(NOW.plusSeconds(seconds));
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("system:serviceaccount:" + NS + ":" + c.sa());
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.signingKeyId());
    }

    /** Every field of {@code expected} is in {@code actual} with the same value (objects compared field by field). */
    private static void assertContains(JsonNode actual, JsonNode expected) {
        expected.properties().forEach(e -> {
            if (e.getValue().isObject()) {
                assertContains(actual.path(e.getKey()), e.getValue());
            } else {
                assertThat(actual.path(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
        });
    }

    @Test
    void acceptsProtobufBodiesAsKubectlSends() throws Exception {
        V1Authentication.TokenRequest tr = V1Authentication.TokenRequest.newBuilder()
                .setMetadata(Meta.ObjectMeta.newBuilder().setName("builder"))
                .setSpec(V1Authentication.TokenRequestSpec.newBuilder().addAudiences("vault")
                        .setExpirationSeconds(900)).build();
        byte[] envelope = Runtime.Unknown.newBuilder().setTypeMeta(Runtime.TypeMeta.newBuilder()
                .setApiVersion("authentication.k8s.io/v1").setKind("TokenRequest"))
                .setRaw(tr.toByteString()).build().toByteArray();
        byte[] body = new byte[envelope.length + 4];
        System.arraycopy(new byte[]{0x6b, 0x38, 0x73, 0x00}, 0, body, 0, 4);
        System.arraycopy(envelope, 0, body, 4, envelope.length);

        MockHttpServletResponse res = send("POST", "/api/v1/namespaces/" + NS + "/serviceaccounts/builder/token",
                "application/vnd.kubernetes.protobuf", body);

        assertThat(res.getStatus()).as(res.getContentAsString()).isEqualTo(201);
        JsonNode json = Json.MAPPER.readTree(res.getContentAsString());
        assertThat(json.path("spec").path("expirationSeconds").asLong()).isEqualTo(900);
        assertThat(json.path("status").path("token").asString()).isNotEmpty();
    }

    @Test
    void onlyCreateIsServed() throws Exception {
        MockHttpServletResponse res = send("GET", "/api/v1/namespaces/" + NS + "/serviceaccounts/builder/token",
                null, new byte[0]);
        assertThat(res.getStatus()).isEqualTo(405);
    }

    @Test
    void issuedTokensAuthenticateUntilTheirServiceAccountGoes() throws Exception {
        ServiceAccount sa = (ServiceAccount) create("ServiceAccount",
                new ServiceAccountBuilder().withMetadata(meta("short-lived")).build());
        create("Pod", new PodBuilder().withMetadata(meta("short-pod")).withNewSpec()
                .withServiceAccountName("short-lived").addNewContainer().withName("c").withImage("nginx")
                .endContainer().endSpec().build());
        String token = tokenFor("short-lived", "{}");
        String podToken = tokenFor("short-lived", "{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
                + "\"name\":\"short-pod\"}}");
        ServiceAccountTokenAuthenticator authenticator = new ServiceAccountTokenAuthenticator(keys, options, lookup,
                Clock.fixed(NOW.plusSeconds(10), ZoneOffset.UTC));
        await().atMost(Duration.ofSeconds(10)).until(lookup::synced);

        UserInfo user = authenticator.authenticateToken(token, List.of()).orElseThrow();
        assertThat(user.name()).isEqualTo("system:serviceaccount:" + NS + ":short-lived");
        assertThat(user.uid()).isEqualTo(sa.getMetadata().getUid());
        assertThat(authenticator.authenticateToken(podToken, List.of())).isPresent();

        delete("Pod", "short-pod");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThatThrownBy(() -> authenticator.authenticateToken(podToken, List.of()))
                        .isInstanceOf(BadCredentialsException.class));
        assertThat(authenticator.authenticateToken(token, List.of())).isPresent();

        delete("ServiceAccount", "short-lived");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThatThrownBy(() -> authenticator.authenticateToken(token, List.of()))
                        .isInstanceOf(BadCredentialsException.class));

        create("ServiceAccount", new ServiceAccountBuilder().withMetadata(meta("short-lived")).build());
        assertThatThrownBy(() -> authenticator.authenticateToken(token, List.of()))
                .isInstanceOf(BadCredentialsException.class);
        String fresh = tokenFor("short-lived", "{}");
        assertThat(authenticator.authenticateToken(fresh, List.of())).isPresent();
    }

    @Test
    void anObjectHeldByAFinalizerVouchesForTokensOnlyForAMinuteAfterItsDeletion() {
        ServiceAccount sa = (ServiceAccount) create("ServiceAccount", new ServiceAccountBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("held").addToFinalizers("example.com/hold").build())
                .build());
        String uid = sa.getMetadata().getUid();
        await().atMost(Duration.ofSeconds(10)).until(lookup::synced);
        delete("ServiceAccount", "held");
        Instant deleted = Instant.now();
        // the informer has the deletionTimestamp once it answers for an object deleted "over a minute ago"
        await().atMost(Duration.ofSeconds(10)).until(() ->
                !lookup.exists("ServiceAccount", NS, "held", uid, deleted.plusSeconds(5)));
        assertThat(lookup.exists("ServiceAccount", NS, "held", uid, deleted.minusSeconds(60))).isTrue();
        assertThat(lookup.exists("ServiceAccount", NS, "held", "another-uid", deleted.minusSeconds(60))).isFalse();
        Writes.update(new BoundObjects(stores).store("ServiceAccount"), NS, "held", o -> {
            o.getMetadata().setFinalizers(List.of());
            return o;
        });
    }

    @Test
    void aPodBoundTokenNamesThePodsNodeWhichTheAuthenticatorPassesOnUnchecked() throws Exception {
        Node node = (Node) Writes.create(new BoundObjects(stores).store("Node"), null,
                new NodeBuilder().withMetadata(meta("node-1")).build());
        Pod onNode = (Pod) create("Pod", pod("on-node", "node-1"));
        Pod onGhost = (Pod) create("Pod", pod("on-ghost", "ghost"));
        String nodeUid = node.getMetadata().getUid();
        String onNodeToken = tokenFor("builder", boundTo("on-node"));
        String onGhostToken = tokenFor("builder", boundTo("on-ghost"));
        String unscheduledToken = tokenFor("builder", boundTo("web"));

        // kube's ServiceAccountTokenPodNodeInfo: the node's name and uid; only the name when the Node is missing
        assertThat(kubeClaim(onNodeToken).get("node")).isEqualTo(Map.of("name", "node-1", "uid", nodeUid));
        assertThat(kubeClaim(onGhostToken).get("node")).isEqualTo(Map.of("name", "ghost"));
        assertThat(kubeClaim(unscheduledToken)).doesNotContainKey("node");

        ServiceAccountTokenAuthenticator authenticator = new ServiceAccountTokenAuthenticator(keys, options, lookup,
                Clock.fixed(NOW.plusSeconds(10), ZoneOffset.UTC));
        await().atMost(Duration.ofSeconds(10)).until(lookup::synced);
        String extra = "authentication.kubernetes.io/";
        assertThat(authenticator.authenticateToken(onNodeToken, List.of()).orElseThrow().extra()).containsOnlyKeys(
                        extra + "credential-id", extra + "pod-name", extra + "pod-uid", extra + "node-name",
                        extra + "node-uid")
                .containsEntry(extra + "pod-uid", List.of(onNode.getMetadata().getUid()))
                .containsEntry(extra + "node-name", List.of("node-1"))
                .containsEntry(extra + "node-uid", List.of(nodeUid));
        assertThat(authenticator.authenticateToken(onGhostToken, List.of()).orElseThrow().extra())
                .containsEntry(extra + "pod-uid", List.of(onGhost.getMetadata().getUid()))
                .containsEntry(extra + "node-name", List.of("ghost"))
                .doesNotContainKey(extra + "node-uid");
        assertThat(authenticator.authenticateToken(unscheduledToken, List.of()).orElseThrow().extra())
                .containsKey(extra + "pod-name").doesNotContainKeys(extra + "node-name", extra + "node-uid");

        // the node of a pod-bound token is not validated: the token outlives its Node
        Writes.delete(new BoundObjects(stores).store("Node"), null, "node-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> !lookup.exists("Node", null, "node-1", nodeUid, NOW));
        assertThat(authenticator.authenticateToken(onNodeToken, List.of()).orElseThrow().extra())
                .containsEntry(extra + "node-uid", List.of(nodeUid));
    }

    static Pod pod(String name, String nodeName) {
        return new PodBuilder().withMetadata(meta(name)).withNewSpec().withServiceAccountName("builder")
                .withNodeName(nodeName).addNewContainer().withName("c").withImage("nginx").endContainer().endSpec()
                .build();
    }

    static String boundTo(String pod) {
        return "{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"" + pod + "\"}}";
    }

    static Map<String, Object> kubeClaim(String token) throws Exception {
        return SignedJWT.parse(token).getJWTClaimsSet().getJSONObjectClaim("kubernetes.io");
    }

    private String tokenFor(String sa, String spec) throws Exception {
        MockHttpServletResponse res = post(sa, "{\"spec\":" + spec + "}");
        assertThat(res.getStatus()).as(res.getContentAsString()).isEqualTo(201);
        return Json.MAPPER.readTree(res.getContentAsString()).path("status").path("token").asString();
    }

    private void delete(String kind, String name) {
        Writes.delete(new BoundObjects(stores).store(kind), NS, name);
    }
}
