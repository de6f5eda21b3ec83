package dev.kapi.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The server's image run by {@link KapiContainer}: the administrator writes and reads through fabric8 at the
 * mapped address (the serving certificate names the host, the copied CA signs the users), another user is
 * forbidden until RBAC lets her in, the kubeconfig file works as it is. Needs a Docker engine with the image
 * loaded ({@code ./mvnw package}, then {@code docker load -i apiserver/target/jib-image.tar}); without an engine
 * each test is skipped and says why. What needs no engine is in {@link KapiContainerPartsTest}.
 */
class KapiContainerTest {

    private static boolean docker;
    private static KapiContainer kapi;

    @BeforeAll
    static void start() {
        docker = DockerClientFactory.instance().isDockerAvailable();
        if (docker) {
            kapi = new KapiContainer();
            kapi.start();
        }
    }

    /** Each test, not the class, is skipped: so the report lists them, each with the reason. */
    @BeforeEach
    void needsDocker() {
        assumeTrue(docker, "No Docker engine here: KapiContainerTest needs one to run the kapi/apiserver image;"
                + " it runs where Docker is available");
    }

    @AfterAll
    static void stop() {
        if (kapi != null) {
            kapi.stop();
        }
    }

    @Test
    void theAdministratorCreatesAndReadsAConfigMap() {
        KubernetesClient admin = kapi.client();
        admin.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("from-the-host").endMetadata()
                .addToData("greeting", "hi").build()).create();

        ConfigMap read = admin.configMaps().withName("from-the-host").get();
        assertThat(read.getData()).containsEntry("greeting", "hi");
        assertThat(read.getMetadata().getNamespace()).isEqualTo("default");
    }

    @Test
    void anotherUserIsForbiddenUntilRbacLetsHerRead() {
        KubernetesClient alice = kapi.client("alice", "dev");
        assertThatThrownBy(() -> alice.configMaps().list())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));

        KubernetesClient admin = kapi.client();
        admin.rbac().roles().resource(new RoleBuilder().withNewMetadata().withName("configmap-reader").endMetadata()
                .addNewRule().withApiGroups("").withResources("configmaps").withVerbs("get", "list").endRule()
                .build()).create();
        admin.rbac().roleBindings().resource(new RoleBindingBuilder().withNewMetadata().withName("dev-reads")
                .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "configmap-reader")
                .addNewSubject().withKind("Group").withName("dev").withApiGroup("rbac.authorization.k8s.io")
                .endSubject().build()).create();

        // the authorizer learns of the binding through a watch: a moment later
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(alice.configMaps().list().getItems()).isNotNull());
        assertThatThrownBy(() -> alice.configMaps().resource(new ConfigMapBuilder().withNewMetadata()
                .withName("not-hers").endMetadata().build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    @Test
    void theUrlIsTheMappedPortAndTheKubeconfigFileWorksAsItIs() throws Exception {
        assertThat(kapi.url().getHost()).isEqualTo(kapi.getHost());
        assertThat(kapi.url().getPort()).isEqualTo(kapi.getMappedPort(KapiContainer.PORT));

        String kubeconfig = Files.readString(kapi.kubeconfig());
        assertThat(kubeconfig).contains("server: " + kapi.url());
        try (KubernetesClient fromFile = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(kubeconfig)).build()) {
            assertThat(fromFile.namespaces().withName("default").get()).isNotNull();
        }

        HttpResponse<String> ready = kapi.httpClient("bob").send(HttpRequest.newBuilder(kapi.url().resolve("/readyz"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.body()).isEqualTo("ok");
    }

    @Test
    void beansAreOutOfReach() {
        assertThatThrownBy(() -> kapi.bean(Object.class)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("KapiTestServer");
    }
}
