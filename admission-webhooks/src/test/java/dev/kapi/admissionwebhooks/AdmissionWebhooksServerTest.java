package dev.kapi.admissionwebhooks;

import dev.kapi.admissionwebhooks.review.ReviewCodec;
import dev.kapi.admissionwebhooks.testing.RunningWebhooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

import static dev.kapi.admissionwebhooks.testing.Reviews.body;
import static dev.kapi.admissionwebhooks.testing.Reviews.bytes;
import static dev.kapi.admissionwebhooks.testing.Reviews.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The jar's server end to end: HTTPS with a generated certificate, each webhook's path, bad requests. */
class AdmissionWebhooksServerTest {

    @TempDir
    static Path dir;
    static RunningWebhooks server;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        Path config = dir.resolve("webhooks.yaml");
        Files.writeString(config, """
                webhooks:
                  pod-defaults:
                    enabled: true
                    labels: [platform.example.com/managed=true]
                    requests: [cpu=100m]
                  image-registries:
                    enabled: true
                    allowed: [docker.io]
                  no-latest:
                    enabled: true
                """);
        server = RunningWebhooks.start("--config", config.toString(), "--data-dir", dir.resolve("data").toString(),
                "--tls-san", "webhooks.test,10.0.0.7");
        client = RunningWebhooks.clientTrusting(dir.resolve("data/pki/ca.crt"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "/mutate/pod-defaults,       nginx:1.27,         true",
            "/validate/image-registries, nginx:1.27,         true",
            "/validate/image-registries, quay.io/x/app:1,    false",
            "/validate/no-latest,        nginx:1.27,         true",
            "/validate/no-latest,        nginx,              false",
    })
    void eachEnabledWebhookAnswersAtItsPathEchoingTheUid(String path, String image, boolean allowed) throws Exception {
        HttpResponse<String> response = server.post(client, path, bytes(body("CREATE", "default", pod(image), null)),
                "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        JsonNode review = ReviewCodec.MAPPER.readTree(response.body());
        assertThat(review.get("apiVersion").asString()).isEqualTo("admission.k8s.io/v1");
        assertThat(review.get("kind").asString()).isEqualTo("AdmissionReview");
        assertThat(review.at("/response/uid").asString()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
        assertThat(review.at("/response/allowed").asBoolean()).isEqualTo(allowed);
        if (!allowed) {
            assertThat(review.at("/response/status/code").asInt()).isEqualTo(403);
            assertThat(review.at("/response/status/message").asString()).startsWith("Pod \"web\": image \"" + image);
        }
        if (path.startsWith("/mutate")) {
            String patch = new String(Base64.getDecoder().decode(review.at("/response/patch").asString()),
                    StandardCharsets.UTF_8);
            assertThat(patch).contains("\"/metadata/labels\"", "\"cpu\":\"100m\"");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json at all                                                | the request body is not JSON",
            "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\"}} | apiVersion \"admission.k8s.io/v1beta1\" is not supported",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"} | the AdmissionReview has no request",
    })
    void aBadRequestIsA400StatusSayingWhy(String body, String message) throws Exception {
        // also as curl -d sends it (form content type): the body is read as sent
        for (String type : List.of("application/json", "application/x-www-form-urlencoded")) {
            HttpResponse<String> response = server.post(client, "/validate/no-latest",
                    body.getBytes(StandardCharsets.UTF_8), type);
            assertThat(response.statusCode()).isEqualTo(400);
            JsonNode status = ReviewCodec.MAPPER.readTree(response.body());
            assertThat(status.get("kind").asString()).isEqualTo("Status");
            assertThat(status.get("reason").asString()).isEqualTo("BadRequest");
            assertThat(status.get("code").asInt()).isEqualTo(400);
            assertThat(status.get("message").asString()).startsWith(message);
        }
    }

    @Test
    void aWebhookThatIsNotEnabledIsA404() throws Exception {
        HttpResponse<String> response = server.post(client, "/validate/required-labels",
                bytes(body("CREATE", "default", pod("nginx:1"), null)), "application/json");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(ReviewCodec.MAPPER.readTree(response.body()).get("message").asString()).isEqualTo(
                "no webhook is served at /validate/required-labels: it is not enabled "
                        + "(webhooks.required-labels.enabled) or has another path");
    }

    @Test
    void healthzAnswersOk() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + server.port() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
    }

    @Test
    void servesTheGeneratedCertificateForTheLocalNamesAndTheGivenSans() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + server.port() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        X509Certificate served = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertThat(served.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1)))).contains(
                "localhost", "127.0.0.1", InetAddress.getLocalHost().getHostName(), "webhooks.test", "10.0.0.7");
        // and it is the serving certificate written to the data dir
        assertThat(Files.readString(dir.resolve("data/pki/serving.crt"))).contains(
                Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(served.getEncoded()).substring(0, 64));
    }

    @Test
    void keysAndCertificatesAreTheUsersAlone() throws Exception {
        Path pki = dir.resolve("data/pki");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki))).isEqualTo("rwx------");
        for (String file : List.of("ca.crt", "ca.key", "serving.crt", "serving.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve(file))))
                    .as(file).isEqualTo("rw-------");
        }
    }

    @Test
    void aClientNotTrustingTheCaCannotConnect() {
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + server.port() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void thereIsNoPlainHttp() {
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + server.port() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }
}
