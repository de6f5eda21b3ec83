package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountKeys;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountRef;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenGenerator;
import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import dev.kapi.apiserver.e2e.KubeHttp.WatchStream;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TlsClients;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Authentication and authorization end to end on the shared server (RBAC, the static tokens of
 * {@link E2eTokens}): kubectl as admin, as a token user with a Role in one namespace, impersonating;
 * {@code auth can-i} / {@code whoami}; watch isolation between namespaces; bad credentials; anonymous
 * access; ServiceAccount tokens from {@code kubectl create token}.
 */
@ExtendWith(KapiServerExtension.class)
class SecurityIT {

    /** The namespace where e2e-dev, e2e-watcher and the group e2e-readers have Roles. */
    private static final String ALLOWED = "e2e-sec-allowed";
    /** A namespace where they have none. */
    private static final String OTHER = "e2e-sec-other";

    private static KapiServer server;
    private static Kubectl admin;
    private static Kubectl dev;

    @BeforeAll
    static void rbac() {
        server = KapiServerExtension.server();
        admin = Kubectl.named("kubectl");
        dev = admin.withKubeconfig(server.tokenKubeconfig("e2e-dev", E2eTokens.DEV));
        KubeHttp.createNamespace(ALLOWED);
        KubeHttp.createNamespace(OTHER);
        role("cm-editor", "\"get\",\"list\",\"watch\",\"create\",\"update\",\"delete\"");
        role("cm-watcher", "\"get\",\"list\",\"watch\"");
        binding("dev-edits", "cm-editor", "User", "e2e-dev");
        binding("watcher-watches", "cm-watcher", "User", "e2e-watcher");
        binding("readers-read", "cm-watcher", "Group", "e2e-readers");
    }

    private static void role(String name, String verbs) {
        created(KubeHttp.post("/apis/rbac.authorization.k8s.io/v1/namespaces/" + ALLOWED + "/roles",
                "{\"metadata\":{\"name\":\"" + name + "\"},\"rules\":[{\"apiGroups\":[\"\"],"
                        + "\"resources\":[\"configmaps\"],\"verbs\":[" + verbs + "]}]}"));
    }

    private static void binding(String name, String role, String kind, String subject) {
        created(KubeHttp.post("/apis/rbac.authorization.k8s.io/v1/namespaces/" + ALLOWED + "/rolebindings",
                "{\"metadata\":{\"name\":\"" + name + "\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
                        + "\"kind\":\"Role\",\"name\":\"" + role + "\"},\"subjects\":[{\"kind\":\"" + kind
                        + "\",\"apiGroup\":\"rbac.authorization.k8s.io\",\"name\":\"" + subject + "\"}]}"));
    }

    private static void created(Reply r) {
        assertThat(r.code()).as(r.toString()).isIn(201, 409);
    }

    private static String cms(String ns) {
        return "/api/v1/namespaces/" + ns + "/configmaps";
    }

    private static String configMap(String name) {
        return "{\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"k\":\"v\"}}";
    }

    private static String ok(Kubectl.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out();
    }

    private static String fails(Kubectl.Result r) {
        assertThat(r.exit()).as(r.toString()).isNotZero();
        return r.err();
    }

    @Test
    void adminKubeconfigIsSystemAdminInSystemMasters() {
        String whoami = ok(admin.run("auth", "whoami", "-o", "json"));
        assertThat(whoami).contains("\"username\": \"system:admin\"").contains("system:masters")
                .contains("system:authenticated");
        assertThat(ok(admin.run("get", "ns", ALLOWED, OTHER, "-o", "name")))
                .contains("namespace/" + ALLOWED, "namespace/" + OTHER);
        assertThat(ok(admin.run("auth", "can-i", "*", "*", "--all-namespaces"))).isEqualTo("yes\n");
    }

    /** Every version or group serving a storage is authorized by its own group: none is a way around RBAC. */
    @Test
    void tokenUserWithoutRulesForThemIsForbiddenFromEveryVersionOfSharedStorages() {
        for (String resource : List.of("horizontalpodautoscalers.v2.autoscaling", "horizontalpodautoscalers.v1.autoscaling")) {
            assertThat(fails(dev.run("-n", ALLOWED, "get", resource))).contains(
                    "horizontalpodautoscalers.autoscaling is forbidden: User \"e2e-dev\" cannot list resource "
                            + "\"horizontalpodautoscalers\" in API group \"autoscaling\" in the namespace \"" + ALLOWED + "\"");
        }
        assertThat(fails(dev.run("-n", ALLOWED, "autoscale", "deployment", "x", "--max=2"))).contains("forbidden");
        assertThat(fails(dev.run("-n", ALLOWED, "get", "events.v1.events.k8s.io"))).contains(
                "events.events.k8s.io is forbidden: User \"e2e-dev\" cannot list resource \"events\" in API group "
                        + "\"events.k8s.io\" in the namespace \"" + ALLOWED + "\"");
        assertThat(fails(dev.run("-n", ALLOWED, "get", "events.v1."))).contains(
                "cannot list resource \"events\" in API group \"\" in the namespace \"" + ALLOWED + "\"");
        assertThat(server.withToken(null).get("/apis/autoscaling/v1/namespaces/" + ALLOWED
                + "/horizontalpodautoscalers").code()).isEqualTo(403);
        assertThat(server.withToken(null).get("/apis/events.k8s.io/v1/events?watch=true").code()).isEqualTo(403);
    }

    @Test
    void tokenUserIsAllowedWhereItsRoleIsBoundAndForbiddenElsewhere() {
        assertThat(ok(dev.run("-n", ALLOWED, "create", "configmap", "by-dev", "--from-literal=k=v")))
                .contains("configmap/by-dev created");
        assertThat(ok(dev.run("-n", ALLOWED, "get", "configmaps", "-o", "name"))).contains("configmap/by-dev");

        assertThat(fails(dev.run("-n", OTHER, "get", "configmaps"))).contains(
                "Error from server (Forbidden): configmaps is forbidden: User \"e2e-dev\" cannot list resource "
                        + "\"configmaps\" in API group \"\" in the namespace \"" + OTHER + "\"");
        assertThat(fails(dev.run("-n", OTHER, "create", "configmap", "nope", "--from-literal=k=v"))).contains(
                "configmaps is forbidden: User \"e2e-dev\" cannot create resource \"configmaps\" in API group \"\" "
                        + "in the namespace \"" + OTHER + "\"");
        assertThat(fails(dev.run("get", "namespaces"))).contains(
                "namespaces is forbidden: User \"e2e-dev\" cannot list resource \"namespaces\" in API group \"\" "
                        + "at the cluster scope");
        assertThat(fails(dev.run("-n", ALLOWED, "get", "secrets"))).contains(
                "secrets is forbidden: User \"e2e-dev\" cannot list resource \"secrets\" in API group \"\" "
                        + "in the namespace \"" + ALLOWED + "\"");
        assertThat(KubeHttp.get(cms(OTHER) + "/nope").code()).isEqualTo(404);
    }

    @Test
    void whoamiAndCanIForATokenUser() {
        String whoami = ok(dev.run("auth", "whoami", "-o", "json"));
        assertThat(whoami).contains("\"username\": \"e2e-dev\"", "\"uid\": \"e2e-dev-uid\"", "\"e2e-devs\"",
                "\"e2e-all\"", "\"system:authenticated\"");

        assertThat(ok(dev.run("auth", "can-i", "create", "configmaps", "-n", ALLOWED))).isEqualTo("yes\n");
        Kubectl.Result no = dev.run("auth", "can-i", "create", "configmaps", "-n", OTHER);
        assertThat(no.exit()).as(no.toString()).isEqualTo(1);
        assertThat(no.out()).isEqualTo("no\n");
        assertThat(ok(admin.run("auth", "can-i", "list", "configmaps", "-n", ALLOWED, "--as=e2e-dev")))
                .isEqualTo("yes\n");

        String list = ok(dev.run("auth", "can-i", "--list", "-n", ALLOWED));
        assertThat(list).contains("Resources").contains("Verbs");
        assertThat(list.lines().filter(l -> l.startsWith("configmaps ")).findFirst().orElse(""))
                .contains("get", "list", "watch", "create", "update", "delete");
        assertThat(list).contains("selfsubjectreviews.authentication.k8s.io");
        assertThat(ok(dev.run("auth", "can-i", "--list", "-n", OTHER)))
                .doesNotContainPattern("(?m)^configmaps ");
    }

    @Test
    void impersonationWithAsAndAsGroup() {
        assertThat(ok(admin.run("auth", "whoami", "--as=alice", "-o", "jsonpath={.status.userInfo.username}")))
                .isEqualTo("alice");
        assertThat(fails(admin.run("-n", ALLOWED, "get", "configmaps", "--as=alice"))).contains(
                "configmaps is forbidden: User \"alice\" cannot list resource \"configmaps\" in API group \"\" "
                        + "in the namespace \"" + ALLOWED + "\"");
        ok(admin.run("-n", ALLOWED, "get", "configmaps", "--as=alice", "--as-group=e2e-readers"));
        assertThat(ok(admin.run("auth", "whoami", "--as=alice", "--as-group=e2e-readers", "-o",
                "jsonpath={.status.userInfo.groups}"))).contains("e2e-readers").contains("system:authenticated");
        assertThat(fails(admin.run("-n", ALLOWED, "delete", "configmap", "x", "--as=alice",
                "--as-group=e2e-readers"))).contains("cannot delete resource \"configmaps\"");

        // a user without the impersonate verb cannot impersonate
        assertThat(fails(dev.run("-n", ALLOWED, "get", "configmaps", "--as=alice"))).contains(
                "Error from server (Forbidden): users \"alice\" is forbidden: User \"e2e-dev\" cannot impersonate resource \"users\" in API group "
                        + "\"\" at the cluster scope");
    }

    @Test
    void watchIsConfinedToTheNamespaceTheUserMayWatch() {
        KubeHttp.Client watcher = server.withToken(E2eTokens.WATCHER);
        Reply other = watcher.get(cms(OTHER) + "?watch=true");
        assertThat(other.code()).as(other.toString()).isEqualTo(403);
        assertThat(other.json().path("message").asString()).isEqualTo("configmaps is forbidden: User \"e2e-watcher\""
                + " cannot watch resource \"configmaps\" in API group \"\" in the namespace \"" + OTHER + "\"");
        Reply all = watcher.get("/api/v1/configmaps?watch=true");
        assertThat(all.code()).as(all.toString()).isEqualTo(403);
        assertThat(all.json().path("message").asString()).isEqualTo("configmaps is forbidden: User \"e2e-watcher\""
                + " cannot watch resource \"configmaps\" in API group \"\" at the cluster scope");

        String rv = KubeHttp.get(cms(ALLOWED)).json().path("metadata").path("resourceVersion").asString();
        try (WatchStream w = watcher.watch(cms(ALLOWED) + "?watch=true&resourceVersion=" + rv)) {
            assertThat(w.code()).isEqualTo(200);
            created(KubeHttp.post(cms(OTHER), configMap("watch-elsewhere")));
            created(KubeHttp.post(cms(ALLOWED), configMap("watch-here")));
            List<JsonNode> events = w.next(1, 10);
            assertThat(events).extracting(e -> e.path("type").asString() + " "
                    + e.path("object").path("metadata").path("namespace").asString() + "/"
                    + e.path("object").path("metadata").path("name").asString())
                    .containsExactly("ADDED " + ALLOWED + "/watch-here");
            assertThat(w.drain(500)).isEmpty();
        }
    }

    /** A bad credential of each kind, and how to send it. */
    static Stream<Arguments> badCredentials() {
        return Stream.of(
                Arguments.of("garbage bearer token", (Function<KapiServer, KubeHttp.Client>)
                        s -> s.withToken("not-a-token-at-all")),
                Arguments.of("malformed JWT", (Function<KapiServer, KubeHttp.Client>)
                        s -> s.withToken("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln")),
                Arguments.of("expired ServiceAccount token", (Function<KapiServer, KubeHttp.Client>)
                        SecurityIT::withExpiredServiceAccountToken),
                Arguments.of("token of another signing key", (Function<KapiServer, KubeHttp.Client>)
                        SecurityIT::withForeignServiceAccountToken),
                Arguments.of("garbage Authorization header", (Function<KapiServer, KubeHttp.Client>)
                        s -> new KubeHttp.Client(s, s.sslContext(null), "Authorization", "Bearer")),
                Arguments.of("another authentication scheme", (Function<KapiServer, KubeHttp.Client>)
                        s -> new KubeHttp.Client(s, s.sslContext(null), "Authorization", "Basic Zm9vOmJhcg==")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCredentials")
    void badCredentialsAre401AndStoreNothing(String name, Function<KapiServer, KubeHttp.Client> client) {
        String cm = "bad-" + name.replaceAll("[^a-z]+", "-");
        Reply r = client.apply(server).post(cms(ALLOWED), configMap(cm));
        assertThat(r.code()).as(r.toString()).isEqualTo(401);
        JsonNode status = r.json();
        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("reason").asString()).isEqualTo("Unauthorized");
        assertThat(status.path("message").asString()).isEqualTo("Unauthorized");
        assertThat(client.apply(server).get(cms(ALLOWED)).code()).isEqualTo(401);
        assertThat(KubeHttp.get(cms(ALLOWED) + "/" + cm).code()).isEqualTo(404);
    }

    /**
     * kube-apiserver requests a client certificate without verifying it in the handshake and answers 401 for
     * one its CAs did not sign; Kapi's TLS connector (client auth "want" with a trust store) refuses such a
     * certificate in the handshake already. Either way the request is refused and nothing is stored.
     */
    @Test
    void certificateFromAnotherCaIsRefused() {
        KubeHttp.Client foreign = withForeignCertificate(server);
        Reply r = foreign.post(cms(ALLOWED), configMap("bad-foreign-cert"));
        assertThat(r.code()).as(r.toString()).isEqualTo(401);
        assertThat(r.json().path("reason").asString()).isEqualTo("Unauthorized");
        assertThat(KubeHttp.get(cms(ALLOWED) + "/bad-foreign-cert").code()).isEqualTo(404);
    }

    private static ServiceAccountTokenGenerator signer(Path keyFile) {
        return new ServiceAccountTokenGenerator(ServiceAccountKeys.load(null, List.of(), keyFile),
                "https://kubernetes.default.svc.cluster.local");
    }

    private static KubeHttp.Client withExpiredServiceAccountToken(KapiServer s) {
        JsonNode sa = serviceAccount("expired-sa");
        Instant issued = Instant.now().minus(Duration.ofHours(2));
        String token = signer(s.dataDir().resolve("pki/sa.key")).issue(new ServiceAccountRef(ALLOWED, "expired-sa",
                        sa.path("metadata").path("uid").asString()), List.of("https://kubernetes.default.svc.cluster.local"),
                issued, issued.plus(Duration.ofHours(1)), null);
        return s.withToken(token);
    }

    private static KubeHttp.Client withForeignServiceAccountToken(KapiServer s) {
        JsonNode sa = serviceAccount("foreign-sa");
        Instant now = Instant.now();
        Path foreignKey = KapiServerExtension.e2eDir().resolve("foreign-sa.key");
        String token = signer(foreignKey).issue(new ServiceAccountRef(ALLOWED, "foreign-sa",
                        sa.path("metadata").path("uid").asString()), List.of("https://kubernetes.default.svc.cluster.local"),
                now, now.plus(Duration.ofHours(1)), null);
        return s.withToken(token);
    }

    private static KubeHttp.Client withForeignCertificate(KapiServer s) {
        Certificates.Issued otherCa = Certificates.selfSignedCa("another-ca", Duration.ofHours(1));
        Certificates.Issued cert = TlsClients.clientCert(otherCa, "system:admin", "system:masters");
        return new KubeHttp.Client(s, TlsClients.sslContext(s.ca().certificate(), cert));
    }

    private static JsonNode serviceAccount(String name) {
        created(KubeHttp.post("/api/v1/namespaces/" + ALLOWED + "/serviceaccounts",
                "{\"metadata\":{\"name\":\"" + name + "\"}}"));
        return KubeHttp.get("/api/v1/namespaces/" + ALLOWED + "/serviceaccounts/" + name).json();
    }

    @ParameterizedTest(name = "anonymous GET {0}")
    @ValueSource(strings = {"/healthz", "/livez", "/readyz", "/version"})
    void anonymousReachesHealthAndVersion(String path) {
        Reply r = server.withToken(null).get(path);
        assertThat(r.code()).as(r.toString()).isEqualTo(200);
    }

    @Test
    void anonymousIsForbiddenFromTheApi() {
        Reply r = server.withToken(null).get("/api/v1/namespaces");
        assertThat(r.code()).as(r.toString()).isEqualTo(403);
        assertThat(r.json().path("message").asString()).isEqualTo("namespaces is forbidden: User \"system:anonymous\""
                + " cannot list resource \"namespaces\" in API group \"\" at the cluster scope");
        Reply write = server.withToken(null).post(cms(ALLOWED), configMap("by-anonymous"));
        assertThat(write.code()).as(write.toString()).isEqualTo(403);
        assertThat(KubeHttp.get(cms(ALLOWED) + "/by-anonymous").code()).isEqualTo(404);
    }

    /**
     * The Swagger UI's page is public and its data is not: anonymous gets the page but not the documents it
     * shows nor {@code /}; an authenticated user reads {@code /openapi/v3} (kube's system:discovery) and
     * not {@code /}, which kube gives to cluster-admin only; the admin gets {@code {"paths": [...]}}, sorted.
     */
    @Test
    void swaggerUiIsPublicAndItsDocumentsAndTheRootPathsAreNot() {
        KubeHttp.Client anonymous = server.withToken(null);
        Reply page = anonymous.get("/swagger-ui/index.html");
        assertThat(page.code()).as(page.toString()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-initializer.js");
        Reply script = anonymous.get("/swagger-ui/swagger-initializer.js");
        assertThat(script.body()).contains("/openapi/v3").doesNotContain("petstore");
        for (String path : List.of("/", "/openapi/v3", "/openapi/v3/api/v1", "/swagger-ui/../api/v1/namespaces")) {
            Reply r = anonymous.get(path);
            assertThat(r.code()).as(path + " " + r).isIn(400, 403);
            assertThat(r.json().path("kind").asString()).isEqualTo("Status");
        }
        assertThat(anonymous.get("/").json().path("message").asString())
                .isEqualTo("forbidden: User \"system:anonymous\" cannot get path \"/\"");

        KubeHttp.Client user = server.withToken(E2eTokens.DEV);
        assertThat(user.get("/openapi/v3").code()).isEqualTo(200);
        Reply root = user.get("/");
        assertThat(root.code()).as(root.toString()).isEqualTo(403);
        assertThat(root.json().path("message").asString())
                .isEqualTo("forbidden: User \"e2e-dev\" cannot get path \"/\"");

        Reply paths = KubeHttp.get("/");
        assertThat(paths.code()).as(paths.toString()).isEqualTo(200);
        List<String> listed = paths.json().path("paths").valueStream()
                .map(JsonNode::asString).toList();
        assertThat(listed).isSorted().contains("/api", "/api/v1", "/apis", "/apis/", "/apis/apps", "/apis/apps/v1",
                "/apis/rbac.authorization.k8s.io/v1", "/healthz", "/healthz/etcd", "/livez", "/readyz",
                "/openapi/v2", "/openapi/v3", "/openapi/v3/", "/version", "/.well-known/openid-configuration",
                "/openid/v1/jwks", "/swagger-ui.html");
    }

    @Test
    void serviceAccountTokenWorksUntilTheServiceAccountIsDeleted() {
        ok(admin.run("-n", ALLOWED, "create", "serviceaccount", "robot"));
        String token = ok(admin.run("-n", ALLOWED, "create", "token", "robot", "--duration=10m")).trim();
        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

        KubeHttp.Client robot = server.withToken(token);
        Reply self = robot.post("/apis/authentication.k8s.io/v1/selfsubjectreviews",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");
        assertThat(self.code()).as(self.toString()).isEqualTo(201);
        JsonNode user = self.json().path("status").path("userInfo");
        assertThat(user.path("username").asString()).isEqualTo("system:serviceaccount:" + ALLOWED + ":robot");
        assertThat(user.path("groups").toString()).contains("system:serviceaccounts",
                "system:serviceaccounts:" + ALLOWED, "system:authenticated");
        Reply denied = robot.get(cms(ALLOWED));
        assertThat(denied.code()).as(denied.toString()).isEqualTo(403);
        assertThat(denied.json().path("message").asString()).contains(
                "User \"system:serviceaccount:" + ALLOWED + ":robot\" cannot list resource \"configmaps\"");

        ok(admin.run("-n", ALLOWED, "delete", "serviceaccount", "robot"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(robot.get(cms(ALLOWED)).code()).isEqualTo(401));
        assertThat(robot.post(cms(ALLOWED), configMap("by-deleted-robot")).code()).isEqualTo(401);
    }

    /**
     * kube's "manually create a long-lived API token for a ServiceAccount": a Secret of type
     * {@code kubernetes.io/service-account-token} naming the account gets a token, the CA and the namespace from the
     * token controller; the token authenticates as the account until its Secret is deleted, and a Secret naming an
     * account that does not exist is deleted.
     */
    @Test
    void aSecretBasedTokenWorksUntilItsSecretIsDeleted() {
        ok(admin.run("-n", ALLOWED, "create", "serviceaccount", "build-robot"));
        Kubectl.Result applied = admin.runWithInput("""
                apiVersion: v1
                kind: Secret
                metadata:
                  name: build-robot-secret
                  annotations:
                    kubernetes.io/service-account.name: build-robot
                type: kubernetes.io/service-account-token
                """, "-n", ALLOWED, "apply", "-f", "-");
        ok(applied);
        await().atMost(Duration.ofSeconds(10)).until(() -> !admin.run("-n", ALLOWED, "get", "secret",
                "build-robot-secret", "-o", "jsonpath={.data.token}").out().isEmpty());
        String token = new String(java.util.Base64.getDecoder().decode(ok(admin.run("-n", ALLOWED, "get", "secret",
                "build-robot-secret", "-o", "jsonpath={.data.token}"))), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ok(admin.run("-n", ALLOWED, "get", "secret", "build-robot-secret", "-o",
                "jsonpath={.data.namespace}"))).isEqualTo(java.util.Base64.getEncoder().encodeToString(
                ALLOWED.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(ok(admin.run("-n", ALLOWED, "get", "secret", "build-robot-secret", "-o",
                "jsonpath={.data.ca\\.crt}"))).isNotEmpty();
        assertThat(ok(admin.run("-n", ALLOWED, "get", "secret", "build-robot-secret", "-o",
                "jsonpath={.metadata.annotations.kubernetes\\.io/service-account\\.uid}"))).isEqualTo(
                ok(admin.run("-n", ALLOWED, "get", "serviceaccount", "build-robot", "-o",
                        "jsonpath={.metadata.uid}")));

        Kubectl robot = admin.withKubeconfig(server.tokenKubeconfig("build-robot", token));
        assertThat(ok(robot.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")))
                .isEqualTo("system:serviceaccount:" + ALLOWED + ":build-robot");
        await().atMost(Duration.ofSeconds(10)).until(() -> !admin.run("-n", ALLOWED, "get", "secret",
                "build-robot-secret", "-o", "jsonpath={.metadata.labels.kubernetes\\.io/legacy-token-last-used}")
                .out().isEmpty());

        ok(admin.run("-n", ALLOWED, "delete", "secret", "build-robot-secret"));
        assertThat(fails(robot.run("auth", "whoami"))).contains("Unauthorized");

        ok(admin.runWithInput("""
                apiVersion: v1
                kind: Secret
                metadata:
                  name: nobodys-secret
                  annotations:
                    kubernetes.io/service-account.name: nobody
                type: kubernetes.io/service-account-token
                """, "-n", ALLOWED, "apply", "-f", "-"));
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.run("-n", ALLOWED, "get", "secret",
                "nobodys-secret").exit() != 0);
    }
}
