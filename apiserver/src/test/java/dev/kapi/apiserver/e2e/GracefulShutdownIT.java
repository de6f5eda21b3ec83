package dev.kapi.apiserver.e2e;

import dev.kapi.apiserver.testing.AdmissionWebhookServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SIGTERM to the packaged server while a watch is open and a write is held up by a slow validating webhook:
 * /readyz fails first (during {@code --shutdown-delay-duration}), the watch then ends with the last chunk of its
 * chunked response (a clean end of stream, not a reset), the write in progress is answered 201 and is stored,
 * new connections are refused, and the process exits with 143 within the bound.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // two server starts, each up to a minute on a busy machine
class GracefulShutdownIT {

    private static final String NS = "graceful-shutdown";
    private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";

    @Test
    void readyzFailsFirstTheWatchEndsCleanlyAndTheSlowWriteIsStored() throws Exception {
        Path dir = Files.createTempDirectory(KapiServerExtension.e2eDir(), "graceful-");
        try (AdmissionWebhookServer webhook = new AdmissionWebhookServer().on("/slow", review -> {
            Thread.sleep(3000);
            return AdmissionWebhookServer.allow(review);
        }); KapiServer server = KapiServer.start(dir.getFileName().toString(), dir.resolve("data"),
                java.util.List.of("--shutdown-delay-duration=2s"))) {
            KubeHttp.Client admin = server.admin();
            admin.createNamespace(NS);
            KubeHttp.Reply hook = admin.post("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", """
                    {"metadata":{"name":"graceful-slow"},"webhooks":[{"name":"slow.graceful.kapi.dev",
                     "clientConfig":{"url":"%s","caBundle":"%s"},
                     "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}],
                     "objectSelector":{"matchLabels":{"slow":"yes"}},
                     "sideEffects":"None","admissionReviewVersions":["v1"],"timeoutSeconds":10}]}
                    """.formatted(webhook.url("/slow"), webhook.caBundle()));
            assertThat(hook.code()).as(hook.toString()).isEqualTo(201);
            // the webhook configuration reaches admission through an informer: wait until a write is slowed by it
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (webhook.calls("/slow") == 0 && System.nanoTime() < until) {
                admin.post(CMS, "{\"metadata\":{\"generateName\":\"probe-\",\"labels\":{\"slow\":\"yes\"}}}");
            }
            assertThat(webhook.calls("/slow")).isPositive();

            RawStream watch = RawStream.open(server, CMS + "?watch=true&timeoutSeconds=600");
            CountDownLatch armed = new CountDownLatch(1);
            CompletableFuture<KubeHttp.Reply> slowWrite = CompletableFuture.supplyAsync(() -> {
                armed.countDown();
                return admin.post(CMS, "{\"metadata\":{\"name\":\"slow-write\",\"labels\":{\"slow\":\"yes\"}}}");
            });
            armed.await();
            int before = webhook.calls("/slow");
            long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (webhook.calls("/slow") == before && System.nanoTime() < wait) {
                Thread.sleep(10);
            }
            assertThat(webhook.calls("/slow")).as("the write is in the webhook").isGreaterThan(before);

            Process process = server.process();
            process.destroy(); // SIGTERM
            long sigterm = System.nanoTime();
            // within the 2 s delay /readyz fails while everything is served
            int readyz = 0;
            while (System.nanoTime() - sigterm < TimeUnit.MILLISECONDS.toNanos(1500)) {
                readyz = admin.get("/readyz").code();
                if (readyz == 500) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(readyz).as("/readyz during the shutdown delay").isEqualTo(500);
            assertThat(admin.get("/readyz/shutdown").code()).isEqualTo(500);
            assertThat(admin.get("/livez").code()).isEqualTo(200);
            assertThat(watch.ended()).as("the watch is still open during the delay").isFalse();

            String end = watch.awaitEnd(Duration.ofSeconds(10));
            assertThat(end).as("the watch stream ended with the last chunk").isEqualTo("clean");
            KubeHttp.Reply written = slowWrite.get(20, TimeUnit.SECONDS);
            assertThat(written.code()).as(written.toString()).isEqualTo(201);
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new java.net.InetSocketAddress("127.0.0.1", server.url("/").getPort()), 2000);
                }
            }).as("new connections are refused once the delay is over").isInstanceOf(ConnectException.class);
            assertThat(process.waitFor(2 + 10, TimeUnit.SECONDS)).as("exited within the bound").isTrue();
            assertThat(process.exitValue()).isEqualTo(143);
        }

        // the acknowledged write is stored: a server started again on the same data reads it
        try (KapiServer again = KapiServer.start(dir.getFileName().toString() + "-again", dir.resolve("data"),
                java.util.List.of())) {
            KubeHttp.Reply stored = again.admin().get(CMS + "/slow-write");
            assertThat(stored.code()).as(stored.toString()).isEqualTo(200);
        }
    }

    /** A watch read from a raw TLS socket, so that a clean end (the last chunk, then EOF) is told from a reset. */
    static final class RawStream {
        private final Socket socket;
        private final CompletableFuture<String> end = new CompletableFuture<>();

        private RawStream(Socket socket) {
            this.socket = socket;
            Thread.ofVirtual().start(this::read);
        }

        static RawStream open(KapiServer server, String path) throws IOException {
            URI base = server.url("/");
            SSLSocket s = (SSLSocket) server.sslContext(server.adminCert()).getSocketFactory()
                    .createSocket(base.getHost(), base.getPort());
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAccept: application/json\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new RawStream(s);
        }

        boolean ended() {
            return end.isDone();
        }

        String awaitEnd(Duration within) throws Exception {
            try {
                return end.get(within.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                socket.close();
            }
        }

        private void read() {
            try (InputStream in = socket.getInputStream()) {
                String head = line(in);
                if (!head.startsWith("HTTP/1.1 200")) {
                    end.complete("status " + head);
                    return;
                }
                String header;
                boolean chunked = false;
                while (!(header = line(in)).isEmpty()) {
                    chunked |= header.equalsIgnoreCase("Transfer-Encoding: chunked");
                }
                if (!chunked) {
                    end.complete("not chunked");
                    return;
                }
                while (true) {
                    int size = Integer.parseInt(line(in).trim(), 16);
                    if (size == 0) {
                        line(in);
                        end.complete(in.read() == -1 ? "clean" : "data after the last chunk");
                        return;
                    }
                    in.readNBytes(size);
                    line(in);
                }
            } catch (IOException | RuntimeException e) {
                end.complete("broken: " + e);
            }
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c == -1) {
                    throw new IOException("end of stream inside a line");
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.US_ASCII);
        }
    }
}
