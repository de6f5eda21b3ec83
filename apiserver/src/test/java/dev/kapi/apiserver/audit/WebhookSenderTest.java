package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.webhook.WebhookTarget;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The webhook call's timeout covers the whole call, as Go's client timeout does: a server that sends its headers
 * and then never the body it announced is given up on at the timeout (each of the five tries), not waited for.
 */
class WebhookSenderTest {

    @Test
    void aServerThatStallsAfterItsHeadersIsGivenUpOnAtTheTimeout() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        held.add(s);
                        Thread.ofVirtual().start(() -> stallAfterHeaders(s));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/audit");
            WebhookSender sender = new WebhookSender(new WebhookTarget(uri,
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), Map::of),
                    Duration.ofMillis(1), Duration.ofMillis(300));
            long start = System.nanoTime();
            assertThatThrownBy(() -> sender.send(List.of("{}".getBytes(StandardCharsets.UTF_8))))
                    .isInstanceOf(IOException.class)
                    .hasMessage("Post \"" + uri + "\": context deadline exceeded");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("five tries of 300 ms, not the stall's 30 s")
                    .isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static void stallAfterHeaders(Socket s) {
        try {
            byte[] buf = new byte[8192];
            s.getInputStream().read(buf); // the request (small: one read takes it)
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(30_000);
        } catch (IOException | InterruptedException e) {
            // the test closed it
        }
    }
}
