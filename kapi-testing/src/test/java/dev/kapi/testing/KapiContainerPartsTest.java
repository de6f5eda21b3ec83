package dev.kapi.testing;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The parts of {@link KapiContainer} that need no Docker engine: its command, where it finds the CA, the URL, the
 * default image, what it says before it runs; and the route its clients take, the CA copied out of a data
 * directory, tried against a server in this JVM (a container's server is the same server in another process).
 */
class KapiContainerPartsTest {

    @Test
    void theCommandNamesTheHostInTheServingCertificateThenTheFlags() {
        assertThat(KapiContainer.command("localhost", List.of())).containsExactly("--tls-san=localhost");
        assertThat(KapiContainer.command("10.0.0.7", List.of("--authorization-mode=RBAC", "--tls-san=kapi")))
                .containsExactly("--tls-san=10.0.0.7", "--authorization-mode=RBAC", "--tls-san=kapi");
    }

    @Test
    void theCaIsCopiedFromTheImagesDataDirUnlessAFlagMovesIt() {
        assertThat(KapiContainer.dataDir(List.of("--audit-log-path=-"))).isEqualTo("/var/lib/kapi");
        assertThat(KapiContainer.dataDir(List.of("--data-dir=/a", "--data-dir=/data"))).isEqualTo("/data");
    }

    @Test
    void theUrlIsHttpsToTheHostAndPortAnIpv6AddressInBrackets() {
        assertThat(ContainerAccess.url("localhost", 32768)).isEqualTo(URI.create("https://localhost:32768"));
        assertThat(ContainerAccess.url("::1", 6443)).isEqualTo(URI.create("https://[::1]:6443"));
        assertThat(ContainerAccess.url("[fd00::2]", 6443)).isEqualTo(URI.create("https://[fd00::2]:6443"));
    }

    @Test
    void theDefaultImageIsThisBuildsVersionOfKapiApiserver(@TempDir Path dir) throws IOException {
        Path descriptor = dir.resolve("META-INF/maven/dev.kapi/kapi-testing/pom.properties");
        Files.createDirectories(descriptor.getParent());
        Files.writeString(descriptor, "artifactId=kapi-testing\ngroupId=dev.kapi\nversion=1.2.3\n");
        try (URLClassLoader withDescriptor = new URLClassLoader(new URL[]{dir.toUri().toURL()}, null);
             URLClassLoader without = new URLClassLoader(new URL[0], null)) {
            assertThat(KapiImage.version(withDescriptor)).contains("1.2.3");
            assertThat(KapiImage.version(without)).isEmpty();
        }
        // here the apiserver library's descriptor (its jar) gives the version
        Optional<String> version = KapiImage.version(KapiImage.class.getClassLoader());
        version.ifPresent(v -> assertThat(KapiImage.defaultName().asCanonicalNameString())
                .isEqualTo("kapi/apiserver:" + v));
    }

    @Test
    void aPropertyNamesAnotherImage() {
        System.setProperty(KapiImage.PROPERTY, "registry.example.com/kapi/apiserver:0.1.0");
        try {
            assertThat(KapiImage.defaultName().asCanonicalNameString())
                    .isEqualTo("registry.example.com/kapi/apiserver:0.1.0");
        } finally {
            System.clearProperty(KapiImage.PROPERTY);
        }
    }

    @Test
    void beforeItRunsItSaysSoAndBeansAreNeverThere() {
        KapiContainer kapi = new KapiContainer("kapi/apiserver:test").withFlags("--authorization-mode=RBAC")
                .withFlags("--anonymous-auth=true");
        assertThat(kapi.getExposedPorts()).containsExactly(KapiContainer.PORT);
        assertThat(kapi.flags()).containsExactly("--authorization-mode=RBAC", "--anonymous-auth=true");
        assertThat(kapi.namespace()).isEqualTo("default");
        assertThatThrownBy(kapi::url).isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
        assertThatThrownBy(kapi::client).isInstanceOf(IllegalStateException.class).hasMessageContaining("start()");
        assertThatThrownBy(() -> kapi.bean(String.class)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("out of this JVM");
    }

    @Test
    void theCopiedCaSignsTheAdministratorAndOtherUsers(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (KapiTestServer server = KapiTestServer.start(data)) {
            ContainerAccess.Copier fromDataDir = (from, to) ->
                    Files.copy(data.resolve(Path.of("/var/lib/kapi").relativize(Path.of(from))), Path.of(to));
            Path copy;
            try (ContainerAccess access = ContainerAccess.open(server.url(), "/var/lib/kapi/", fromDataDir)) {
                access.awaitReady(java.time.Duration.ofSeconds(30)); // as the administrator
                KubernetesClient admin = access.clients().fabric8("default", KapiServer.ADMIN, "system:masters");
                admin.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("copied-ca").endMetadata()
                        .addToData("k", "v").build()).create();
                assertThat(admin.configMaps().withName("copied-ca").get().getData()).containsEntry("k", "v");

                KubernetesClient alice = access.clients().fabric8("default", "alice", "dev");
                assertThatThrownBy(() -> alice.configMaps().withName("copied-ca").get()).isInstanceOfSatisfying(
                        KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));

                String kubeconfig = Files.readString(access.kubeconfig());
                assertThat(kubeconfig).contains("server: " + server.url(), "namespace: \"default\"");
                try (KubernetesClient fromFile = new KubernetesClientBuilder()
                        .withConfig(Config.fromKubeconfig(kubeconfig)).build()) {
                    assertThat(fromFile.configMaps().withName("copied-ca").get()).isNotNull();
                }
                copy = access.kubeconfig().getParent();
                assertThat(copy.resolve("pki/ca.key")).exists();
            }
            assertThat(copy).doesNotExist();
        }
    }

    @Test
    void anImageMissingFromTheEngineIsReportedWithHowToLoadIt() {
        assertThat(KapiContainer.notLoaded(DockerImageName.parse("kapi/apiserver:0.1.0-SNAPSHOT")))
                .startsWith("kapi/apiserver:0.1.0-SNAPSHOT is neither in the Docker engine nor pullable")
                .contains("docker load -i apiserver/target/jib-image.tar");
    }

    @Test
    void aCaThatCannotBeCopiedFailsTheStart() {
        assertThatThrownBy(() -> ContainerAccess.open(URI.create("https://localhost:1"), KapiContainer.DATA_DIR,
                (from, to) -> {
                    throw new IOException("Could not find " + from);
                }))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot copy Kapi's CA")
                .hasRootCauseMessage("Could not find /var/lib/kapi/pki/ca.crt");
    }
}
