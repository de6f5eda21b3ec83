package dev.kapi.admissionwebhooks;

import dev.kapi.admissionwebhooks.testing.FakeApiServer;
import dev.kapi.admissionwebhooks.testing.RunningWebhooks;
import dev.kapi.admissionwebhooks.tls.Certificates;
import dev.kapi.admissionwebhooks.tls.Pem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Serving a certificate the operator gives (--tls-cert-file, --tls-private-key-file, --ca-bundle-file) and
 * registering with --kubeconfig at start-up.
 */
class GivenCertificateTest {

    @TempDir
    static Path dir;
    static Certificates.Issued ca;
    static Certificates.Issued leaf;
    static FakeApiServer api;
    static RunningWebhooks server;

    @BeforeAll
    static void start() throws Exception {
        ca = Certificates.selfSignedCa("operator-ca", Duration.ofDays(1));
        leaf = Certificates.serving(ca, "webhooks", List.of("localhost"), Duration.ofDays(1));
        Files.writeString(dir.resolve("tls.crt"), Pem.certificates(List.of(leaf.certificate())));
        Files.writeString(dir.resolve("tls.key"), Pem.privateKey(leaf.key()));
        Files.writeString(dir.resolve("ca.crt"), Pem.certificates(List.of(ca.certificate())));
        api = new FakeApiServer();
        server = RunningWebhooks.start(
                "--tls-cert-file", dir.resolve("tls.crt").toString(),
                "--tls-private-key-file", dir.resolve("tls.key").toString(),
                "--ca-bundle-file", dir.resolve("ca.crt").toString(),
                "--data-dir", dir.resolve("data").toString(),
                "--external-url", "https://localhost:8443",
                "--kubeconfig", api.writeKubeconfig(dir.resolve("kubeconfig")).toString(),
                "--webhooks.no-latest.enabled=true");
    }

    @AfterAll
    static void stop() {
        server.close();
        api.close();
    }

    @Test
    void servesTheGivenCertificateAndGeneratesNothing() throws Exception {
        HttpClient client = RunningWebhooks.clientTrusting(dir.resolve("ca.crt"));
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + server.port() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.sslSession().orElseThrow().getPeerCertificates()).containsExactly(leaf.certificate());
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void registeredItselfWithTheGivenCaBundle() {
        String caBundle = Base64.getEncoder().encodeToString(
                Pem.certificates(List.of(ca.certificate())).getBytes(StandardCharsets.US_ASCII));
        var validating = api.object("validatingwebhookconfigurations", "kapi-admission-webhooks");
        assertThat(validating).isNotNull();
        assertThat(validating.at("/webhooks/0/name").asString()).isEqualTo("no-latest.webhooks.kapi.dev");
        assertThat(validating.at("/webhooks/0/clientConfig/url").asString())
                .isEqualTo("https://localhost:8443/validate/no-latest");
        assertThat(validating.at("/webhooks/0/clientConfig/caBundle").asString()).isEqualTo(caBundle);
        // no mutating webhook is enabled: the configuration is written empty, replacing an older one
        var mutating = api.object("mutatingwebhookconfigurations", "kapi-admission-webhooks");
        assertThat(mutating.path("webhooks").size()).isZero();
    }
}
