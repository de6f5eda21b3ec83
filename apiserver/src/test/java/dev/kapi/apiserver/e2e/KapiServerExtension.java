package dev.kapi.apiserver.e2e;

import dev.kapi.apiserver.testing.EtcdExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives end-to-end tests one running Kapi server per test JVM: the packaged jar ({@code kapi.jar}
 * system property, default {@code target/apiserver.jar}) started as a separate process on a free port
 * against the shared test etcd ({@link EtcdExtension}) under a key prefix of its own. Start-up waits
 * for {@code /readyz}; the server is stopped when the JUnit run ends. The server's log is kept in
 * {@code target/e2e/kapi-server.log} and its tail is printed when a test fails.
 */
public final class KapiServerExtension implements BeforeAllCallback, TestWatcher {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final int LOG_TAIL_LINES = 150;

    private static KapiServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        KapiServer s = server();
        // Stops the server when the whole run ends (the root store closes its AutoCloseable values).
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(KapiServer.class, k -> s, KapiServer.class);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (server != null) {
            System.err.println("---- kapi server log (last " + LOG_TAIL_LINES + " lines of " + server.log()
                    + ") after failure of " + context.getDisplayName() + " ----");
            System.err.println(server.logTail(LOG_TAIL_LINES));
            System.err.println("---- end of kapi server log ----");
        }
    }

    /** The running server, started on first call. */
    public static synchronized KapiServer server() {
        if (server == null) {
            server = start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stop-kapi-server"));
        }
        return server;
    }

    private static KapiServer start() {
        try {
            Path jar = Path.of(System.getProperty("kapi.jar", "target/apiserver.jar")).toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("no server jar at " + jar + " (run ./mvnw package first)");
            }
            Path dir = Path.of(System.getProperty("kapi.e2e.dir", "target/e2e")).toAbsolutePath();
            Files.createDirectories(dir);
            Path dataDir = Files.createTempDirectory(dir, "data-");
            Path kubeconfig = dir.resolve("kubeconfig");
            Path log = dir.resolve("kapi-server.log");
            Files.deleteIfExists(kubeconfig);
            int port = freePort();
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-Xss1m",
                    "-jar", jar.toString(),
                    "--etcd-servers=" + String.join(",", EtcdExtension.endpoints()),
                    "--etcd-prefix=" + EtcdExtension.randomPrefix(),
                    "--secure-port=" + port,
                    "--bind-address=127.0.0.1",
                    "--data-dir=" + dataDir,
                    "--write-kubeconfig=" + kubeconfig));
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            KapiServer s = new KapiServer(process, URI.create("http://127.0.0.1:" + port), kubeconfig, log);
            awaitReady(s);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitReady(KapiServer s) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!s.process().isAlive()) {
                throw new IllegalStateException("kapi server exited with " + s.process().exitValue() + ":\n"
                        + s.logTail(LOG_TAIL_LINES));
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(s.url("/readyz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && Files.isRegularFile(s.kubeconfig())) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        s.close();
        throw new IllegalStateException("kapi server not ready after " + STARTUP_TIMEOUT + ":\n"
                + s.logTail(LOG_TAIL_LINES));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A started server process: its base URL, the kubeconfig it wrote and its log file. */
    public record KapiServer(Process process, URI baseUri, Path kubeconfig, Path log) implements AutoCloseable {

        /** The absolute URI of a server path such as {@code /api/v1/namespaces}. */
        public URI url(String pathAndQuery) {
            return baseUri.resolve(pathAndQuery);
        }

        /** The last {@code lines} lines of the server's log. */
        public String logTail(int lines) {
            try {
                List<String> all = Files.readAllLines(log);
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException | UncheckedIOException e) {
                return "(cannot read " + log + ": " + e + ")";
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
