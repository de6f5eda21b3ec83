package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import dev.kapi.apiserver.e2e.KubeHttp.WatchStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slow clients cannot hold connections: a server whose bounds are 1 s (kube's are 32 s for the request
 * headers and 10 s for the TLS handshake; hidden properties for tests) closes 250 connections that never
 * finish their headers (some trickling a header line every 200 ms) and 250 that never finish their TLS
 * handshake, and serves a normal request meanwhile; a watch and an idle kept-alive connection outlive the
 * bounds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowClientsIT {

    private static KapiServer server;

    @BeforeAll
    static void start() {
        server = KapiServer.start("slow-clients",
                KapiServerExtension.e2eDir().resolve("slow-clients-" + System.nanoTime()),
                List.of("--kapi.request-header-timeout=1s", "--kapi.tls-handshake-timeout=1s"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static int port() {
        return server.baseUri().getPort();
    }

    /** Counts {@code socket} down on {@code closed} once the server has closed it (EOF or reset). */
    private static void awaitClose(Socket socket, CountDownLatch closed) {
        Thread.ofVirtual().start(() -> {
            try (InputStream in = socket.getInputStream()) {
                while (in.read() != -1) {
                    // the server answers nothing before it closes
                }
            } catch (IOException e) {
                // reset by the server, or closed by the test
            }
            closed.countDown();
        });
    }

    @Test
    void connectionsSlowToSendTheirHeadersOrToFinishTheirHandshakeAreClosedWhileOthersAreServed() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        CountDownLatch closed = new CountDownLatch(500);
        try {
            List<OutputStream> tricklers = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                SSLSocket s = (SSLSocket) server.sslContext(null).getSocketFactory().createSocket("127.0.0.1", port());
                sockets.add(s);
                s.startHandshake();
                s.getOutputStream().write("GET /version HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                if (i % 5 == 0) {
                    tricklers.add(s.getOutputStream());
                }
                awaitClose(s, closed);
            }
            for (int i = 0; i < 250; i++) {
                Socket s = new Socket("127.0.0.1", port()); // never says hello
                sockets.add(s);
                awaitClose(s, closed);
            }
            Thread trickle = Thread.ofVirtual().start(() -> {
                // a header line every 200 ms: no idle timeout would ever fire
                while (!Thread.currentThread().isInterrupted()) {
                    tricklers.removeIf(out -> {
                        try {
                            out.write("X-Slow: yes\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            return false;
                        } catch (IOException e) {
                            return true;
                        }
                    });
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });

            assertThat(server.admin().get("/version").code()).as("served meanwhile").isEqualTo(200);
            boolean allClosed = closed.await(20, TimeUnit.SECONDS);
            trickle.interrupt();
            assertThat(allClosed).as("%d of 500 slow connections still open", closed.getCount()).isTrue();
            assertThat(server.admin().get("/version").code()).isEqualTo(200);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void aWatchAndAnIdleKeptAliveConnectionOutliveTheBounds() throws Exception {
        KubeHttp.Client admin = server.admin();
        try (WatchStream watch = admin.watch("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Dlate");
             SSLSocket idle = (SSLSocket) server.sslContext(null).getSocketFactory().createSocket("127.0.0.1",
                     port())) {
            assertThat(watch.code()).isEqualTo(200);
            idle.setSoTimeout(10_000);
            assertThat(get(idle, "/version")).startsWith("HTTP/1.1 200");

            Thread.sleep(3000); // three times the bounds

            Reply created = admin.post("/api/v1/namespaces/default/configmaps", "{\"metadata\":{\"name\":\"late\"}}");
            assertThat(created.code()).as(created.toString()).isEqualTo(201);
            assertThat(watch.next(10).path("object").path("metadata").path("name").asString()).isEqualTo("late");
            assertThat(get(idle, "/version")).as("the same connection, kept alive").startsWith("HTTP/1.1 200");
        }
    }

    /** Sends a GET on {@code socket} and reads one response (headers and Content-Length body). */
    private static String get(SSLSocket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("closed after " + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = headers.lines().map(l -> l.toLowerCase(Locale.ROOT))
                .filter(l -> l.startsWith("content-length:"))
                .mapToInt(l -> Integer.parseInt(l.substring("content-length:".length()).trim())).findFirst().orElse(0);
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
