package dev.kapi.testing;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link KapiTest} injects, and a fresh namespace per test method. */
@KapiTest(namespacePerTest = true)
class KapiExtensionTest {

    static KapiServer sharedByTheClass;
    static final Set<String> NAMESPACES = ConcurrentHashMap.newKeySet();

    KubernetesClient client;
    ApiClient apiClient;
    KapiServer kapi;

    @Test
    void fieldsAndParametersAreTheSameServer(KapiServer parameter, KubernetesClient clientParameter) {
        assertThat(sharedByTheClass).isNotNull();
        assertThat(kapi.url()).isEqualTo(sharedByTheClass.url()).isEqualTo(parameter.url());
        assertThat(kapi.url().getHost()).isEqualTo("127.0.0.1");
        assertThat(client.getMasterUrl().toString()).startsWith(kapi.url().toString());
        assertThat(clientParameter.getNamespace()).isEqualTo(kapi.namespace());
    }

    @Test
    void eachTestGetsAFreshNamespaceTheClientsWorkIn() {
        String ns = kapi.namespace();
        assertThat(ns).startsWith("test-");
        assertThat(NAMESPACES.add(ns)).as("a namespace no other test of the class had").isTrue();
        assertThat(client.getNamespace()).isEqualTo(ns);
        assertThat(client.namespaces().withName(ns).get()).isNotNull();

        client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("here").endMetadata().build())
                .create();
        assertThat(client.configMaps().inNamespace(ns).withName("here").get()).isNotNull();
    }

    @Test
    void theOfficialJavaClientIsTheAdministrator() throws Exception {
        var namespaces = new CoreV1Api(apiClient).listNamespace().execute();
        assertThat(namespaces.getItems()).extracting(n -> n.getMetadata().getName()).contains("default", kapi.namespace());
    }

    @Test
    void clientsForOtherUsersHaveOnlyTheirRights() throws Exception {
        KubernetesClient nobody = kapi.client("nobody", "nobodies");
        assertThat(nobody.getNamespace()).isEqualTo(kapi.namespace());
        assertThatThrownBy(() -> nobody.configMaps().list())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        HttpResponse<String> denied = kapi.httpClient("nobody").send(HttpRequest.newBuilder(
                kapi.url().resolve("/api/v1/namespaces/" + kapi.namespace() + "/configmaps")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("\"reason\":\"Forbidden\"")
                .contains("User \\\"nobody\\\" cannot list resource \\\"configmaps\\\"");
        assertThatThrownBy(() -> new CoreV1Api(kapi.apiClient("nobody")).listNamespacedConfigMap(kapi.namespace())
                .execute()).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    /** Each JDK client has a selector thread: the clients a test drops must not keep theirs until the server stops. */
    @Test
    void jdkClientsATestDropsDoNotPileUp() throws Exception {
        try (java.net.http.HttpClient mine = kapi.httpClient("nobody")) {
            assertThat(kapi.httpClient("nobody")).as("a test's own client").isNotSameAs(mine);
        }
        long before = selectorThreads();
        for (int i = 0; i < 30; i++) {
            kapi.httpClient("nobody");
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return selectorThreads() <= before + 2;
        });
    }

    private static long selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("HttpClient-")
                && t.getName().endsWith("-SelectorManager")).count();
    }

    @Test
    void aClientATestClosedIsMadeAgain() {
        try (KubernetesClient bob = kapi.client("bob")) {
            assertThatThrownBy(() -> bob.configMaps().list()).isInstanceOf(KubernetesClientException.class);
        }
        assertThatThrownBy(() -> kapi.client("bob").configMaps().list())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    @Test
    void theKubeconfigsWorkForKubectl() throws Exception {
        assertThat(Files.readString(kapi.kubeconfig())).contains("server: " + kapi.url());
        String yaml = kapi.kubeconfig("alice", "dev");
        assertThat(yaml).contains("namespace: \"" + kapi.namespace() + "\"").contains("client-key-data:");
        assertThat(kapi.credentials("alice", "dev").certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(kapi.credentials("alice", "dev").toString()).doesNotContain("PRIVATE KEY");
        // the YAML as a client reads it: alice is authenticated (a 403 names her), and has no rights
        try (KubernetesClient alice = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(yaml)).build()) {
            assertThatThrownBy(() -> alice.configMaps().list())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getMessage())
                            .contains("User \"alice\" cannot list resource \"configmaps\""));
        }
        assertThat(kapi.adminCredentials().groups()).containsExactly("system:masters");
    }

    /** Runs after every test of the class (and so after the extension's afterEach of each). */
    @AfterAll
    static void eachTestsNamespaceIsDeletedAfterIt() {
        assertThat(NAMESPACES).isNotEmpty();
        for (String ns : NAMESPACES) {
            var namespace = sharedByTheClass.client().namespaces().withName(ns).get();
            assertThat(namespace == null || namespace.getMetadata().getDeletionTimestamp() != null)
                    .as("namespace %s is deleted or terminating", ns).isTrue();
        }
    }

    /**
     * A test that closes the clients it was given (or hands them to an operator framework that closes them when it
     * stops) leaves the next test working clients; an instance kept across tests sees the class's namespace again
     * after each.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class AnInstanceKeptAcrossTests {

        static KubernetesClient staticClient;
        KubernetesClient mine;

        @Test
        @Order(1)
        void closesTheClientsItWasGiven() {
            assertThat(mine.getNamespace()).startsWith("test-");
            staticClient.close();
            mine.close();
            assertThat(mine.getHttpClient().isClosed()).isTrue();
        }

        @Test
        @Order(2)
        void theNextTestHasWorkingClients() {
            assertThat(staticClient.getHttpClient().isClosed()).isFalse();
            assertThat(mine.getHttpClient().isClosed()).isFalse();
            assertThat(client.getHttpClient().isClosed()).as("the enclosing instance's field").isFalse();
            assertThat(staticClient.namespaces().withName("default").get()).isNotNull();
            assertThat(mine.getNamespace()).startsWith("test-");
            assertThat(mine.configMaps().list().getItems()).extracting(c -> c.getMetadata().getNamespace())
                    .containsOnly(mine.getNamespace());
        }

        @AfterAll
        void theFieldsSeeTheClassesNamespaceAfterTheLastTest() {
            assertThat(mine.getNamespace()).isEqualTo("default");
            assertThat(mine.namespaces().withName("default").get()).isNotNull();
        }
    }

    @Nested
    class ANestedClass {

        @Test
        void usesTheEnclosingClassesServer(KapiServer parameter) {
            assertThat(parameter.url()).isEqualTo(sharedByTheClass.url());
            assertThat(client.getNamespace()).isEqualTo(parameter.namespace()).startsWith("test-");
        }
    }
}
