package dev.kapi.apiserver.webhook;

import dev.kapi.apiserver.api.RequestDeadline;
import dev.kapi.apiserver.testing.AdmissionWebhookServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared webhook client against a real HTTPS server in this JVM. */
class WebhookClientTest {

    static AdmissionWebhookServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new AdmissionWebhookServer("hook.example.com", "*.wild.example.com");
        server.on("/echo", r -> AdmissionWebhookServer.json(200, r));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static byte[] post(WebhookClient client, WebhookClient.Endpoint endpoint) throws Exception {
        return client.post(endpoint, "{\"kind\":\"Ping\"}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5),
                WebhookClient.CONTEXT_DEADLINE);
    }

    @Test
    void oneHttpClientPerCaBundleAndServerNameIsReused() throws Exception {
        WebhookClient client = new WebhookClient(2);
        WebhookClient.Endpoint echo = WebhookClient.Endpoint.of(URI.create(server.url("/echo")), server.caBundle());
        assertThat(new String(post(client, echo), StandardCharsets.UTF_8)).contains("\"kind\":\"Ping\"");
        post(client, echo);
        assertThat(client.pooled()).isEqualTo(1);
        assertThat(client.httpClient(server.caBundle(), "127.0.0.1")).isSameAs(client.httpClient(server.caBundle(), "127.0.0.1"));
        // at most maxClients: the least recently used goes
        var first = client.httpClient(server.caBundle(), "127.0.0.1");
        client.httpClient(server.caBundle(), "hook.example.com");
        client.httpClient(server.caBundle(), "x.wild.example.com");
        assertThat(client.pooled()).isEqualTo(2);
        assertThat(client.httpClient(server.caBundle(), "127.0.0.1")).isNotSameAs(first);
    }

    /**
     * A webhook that went away reads as refused, as with client-go, even when the call went to a pooled connection
     * the webhook closed without an answer (Go's transport tries such a call again on a new connection): here the
     * webhook stops listening and hangs up on the second call, which the retry then finds refused.
     */
    @Test
    void aCallWhosePooledConnectionWasClosedIsTriedOnceMore() throws Exception {
        AdmissionWebhookServer gone = new AdmissionWebhookServer("hook.example.com");
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        gone.on("/echo", r -> {
            if (calls.incrementAndGet() == 1) {
                return AdmissionWebhookServer.json(200, r);
            }
            gone.close();
            return null; // hangs up without an answer
        });
        WebhookClient client = new WebhookClient(2);
        WebhookClient.Endpoint echo = WebhookClient.Endpoint.of(URI.create(gone.url("/echo")), gone.caBundle());
        post(client, echo); // leaves a pooled connection
        String port = gone.url("").substring("https://127.0.0.1:".length());
        assertThatThrownBy(() -> post(client, echo)).hasMessage("Post \"" + gone.url("/echo") + "\": dial tcp "
                + "127.0.0.1:" + port + ": connect: connection refused");
        assertThat(calls).hasValue(2);
    }

    @Test
    void theCertificateMustBeValidForTheServerName() throws Exception {
        WebhookClient client = new WebhookClient(8);
        URI uri = URI.create(server.url("/echo"));
        post(client, new WebhookClient.Endpoint(uri, server.caBundle(), "hook.example.com"));
        post(client, new WebhookClient.Endpoint(uri, server.caBundle(), "a.wild.example.com"));
        assertThatThrownBy(() -> post(client, new WebhookClient.Endpoint(uri, server.caBundle(), "a.b.wild.example.com")))
                .hasMessage("Post \"" + uri + "\": tls: failed to verify certificate: x509: certificate is valid for "
                        + "hook.example.com, *.wild.example.com, not a.b.wild.example.com");
        assertThatThrownBy(() -> post(client, new WebhookClient.Endpoint(uri, server.caBundle(), "127.0.0.2")))
                .hasMessageEndingWith("x509: certificate is valid for 127.0.0.1, not 127.0.0.2");
    }

    /** A webhook call waits no longer than the request it is made for (kube: the request's context). */
    @Test
    void aCallEndsWithItsRequestsDeadline() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        server.on("/slow", r -> {
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return AdmissionWebhookServer.json(200, r);
        });
        WebhookClient client = new WebhookClient(2);
        WebhookClient.Endpoint slow = WebhookClient.Endpoint.of(URI.create(server.url("/slow")), server.caBundle());
        long start = System.nanoTime();
        try (RequestDeadline.Scope ignored = RequestDeadline.enter(Duration.ofMillis(300))) {
            assertThatThrownBy(() -> post(client, slow))
                    .hasMessage("Post \"" + server.url("/slow") + "\": " + WebhookClient.CONTEXT_DEADLINE);
            assertThatThrownBy(() -> post(client, slow)).as("a passed deadline fails at once")
                    .hasMessage("Post \"" + server.url("/slow") + "\": " + WebhookClient.CONTEXT_DEADLINE);
        } finally {
            release.countDown();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(RequestDeadline.bound(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void failuresReadAsClientGos() {
        WebhookClient client = new WebhookClient(8);
        assertThatThrownBy(() -> post(client, WebhookClient.Endpoint.of(URI.create(server.url("/echo")), "!!")))
                .isInstanceOfSatisfying(WebhookClient.CallFailed.class, e -> {
                    assertThat(e.setup()).isTrue();
                    assertThat(e.getMessage())
                            .isEqualTo("unable to load root certificates: unable to parse bytes as PEM block");
                });
        assertThatThrownBy(() -> post(client, WebhookClient.Endpoint.of(URI.create("https://127.0.0.1:1/x"), null)))
                .isInstanceOfSatisfying(WebhookClient.CallFailed.class, e -> {
                    assertThat(e.setup()).isFalse();
                    assertThat(e.getMessage())
                            .isEqualTo("Post \"https://127.0.0.1:1/x\": dial tcp 127.0.0.1:1: connect: connection refused");
                });
        assertThatThrownBy(() -> post(client, WebhookClient.Endpoint.of(URI.create(server.url("/nothing")),
                server.caBundle()))).hasMessage("the server could not find the requested resource");
    }

    @Test
    void serviceReferencesResolveToTheOperatorsAddressesOrTheClusterName() {
        ServiceUrls urls = ServiceUrls.parse("webhooks/policy:443=https://10.0.0.5:8443, a/b:8443=https://b.local/");
        assertThat(urls.resolve("webhooks", "policy", null, "/validate"))
                .hasToString("https://10.0.0.5:8443/validate");
        assertThat(urls.resolve("a", "b", 8443, null)).hasToString("https://b.local");
        assertThat(urls.resolve("a", "b", 443, "/x")).hasToString("https://b.a.svc:443/x");
        assertThat(ServiceUrls.defaults().resolve("ns", "hook", 8443, "/m")).hasToString("https://hook.ns.svc:8443/m");
        assertThat(ServiceUrls.serverName("ns", "hook")).isEqualTo("hook.ns.svc");
        assertThatThrownBy(() -> ServiceUrls.parse("policy:443=https://x"))
                .hasMessage("--webhook-service-urls: \"policy:443=https://x\" must be namespace/name:port=https://host:port");
        assertThatThrownBy(() -> ServiceUrls.parse("a/b:443=http://x:80"))
                .hasMessage("--webhook-service-urls: \"a/b:443=http://x:80\" must map to https://host:port (no path, "
                        + "query or user)");
    }
}
