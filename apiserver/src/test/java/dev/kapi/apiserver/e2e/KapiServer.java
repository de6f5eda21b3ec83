package dev.kapi.apiserver.e2e;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TlsClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * One Kapi server process started from the packaged jar ({@code kapi.jar} system property, default
 * {@code target/apiserver.jar}): {@code java -jar} itself, so {@link #process()} is the server JVM. It serves
 * HTTPS on a free port with certificates in its {@code --data-dir}/pki and writes an admin kubeconfig;
 * {@link #admin()} is an HTTP client with the admin (system:masters) client certificate.
 */
public final class KapiServer implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final int LOG_TAIL_LINES = 150;

    private final Process process;
    private final URI baseUri;
    private final Path dataDir;
    private final Path kubeconfig;
    private final Path log;
    private final Certificates.Issued ca;
    private final Certificates.Issued adminCert;
    private final KubeHttp.Client admin;

    private KapiServer(Process process, URI baseUri, Path dataDir, Path kubeconfig, Path log) {
        this.process = process;
        this.baseUri = baseUri;
        this.dataDir = dataDir;
        this.kubeconfig = kubeconfig;
        this.log = log;
        this.ca = TlsClients.ca(dataDir);
        this.adminCert = TlsClients.clientCert(ca, "system:admin", "system:masters");
        this.admin = new KubeHttp.Client(this, sslContext(adminCert));
    }

    /**
     * Starts a server with its data in {@code dataDir} (created when missing) and {@code args} added to the
     * port, bind address, data dir and kubeconfig flags; waits until {@code /readyz} answers 200 and the
     * kubeconfig is written. The log goes to {@code <e2e dir>/<name>.log} (appended).
     */
    public static KapiServer start(String name, Path dataDir, List<String> args) {
        try {
            return start(name, dataDir, "127.0.0.1", freePort(), args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * As {@link #start(String, Path, List)}, bound to {@code host} (a loopback address such as 127.0.0.2, so that
     * replicas on one machine can share a port as kube's replicas must) on {@code port}.
     */
    public static KapiServer start(String name, Path dataDir, String host, int port, List<String> args) {
        try {
            Path kubeconfig = dataDir.toAbsolutePath().resolve("admin.kubeconfig");
            Files.createDirectories(dataDir);
            // the kubeconfig of an earlier run stays (the server reads it as a sign of an earlier start)
            FileTime earlier = Files.exists(kubeconfig) ? Files.getLastModifiedTime(kubeconfig) : null;
            Path log = KapiServerExtension.e2eDir().resolve(name + ".log");
            Process process = launch(dataDir, host, port, log, args);
            return awaitReady(process, URI.create("https://" + host + ":" + port), dataDir.toAbsolutePath(),
                    kubeconfig, earlier, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How a server that was expected not to start ended: its exit code and the lines it printed. */
    public record Exited(int exitCode, List<String> output) {

        /**
         * The one {@code Error: ...} line of a server that refused to start, after checking it exited non-zero
         * without a stack trace, Spring Boot's failure banner or its hint about the condition report.
         */
        public String singleErrorLine() {
            String all = String.join("\n", output);
            org.assertj.core.api.Assertions.assertThat(exitCode).as(all).isNotZero();
            org.assertj.core.api.Assertions.assertThat(output).as(all)
                    .noneMatch(line -> line.matches("\\s+at .*") || line.startsWith("Caused by:")
                            || line.contains("APPLICATION FAILED TO START")
                            || line.contains("Error starting ApplicationContext"));
            List<String> errors = output.stream().filter(line -> line.startsWith("Error: ")).toList();
            org.assertj.core.api.Assertions.assertThat(errors).as(all).hasSize(1);
            return errors.getFirst();
        }
    }

    /**
     * Runs a server that is expected to fail to start (on {@code port}, with its data in {@code dataDir},
     * which is not created) and waits for it to exit; fails when it is still running after the start-up
     * timeout.
     */
    public static Exited runToExit(String name, Path dataDir, int port, List<String> args) {
        Path log = KapiServerExtension.e2eDir().resolve(name + "-" + System.nanoTime() + ".log");
        try {
            Process process = launch(dataDir, "127.0.0.1", port, log, args);
            if (!process.waitFor(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("kapi server still running after " + STARTUP_TIMEOUT + ":\n"
                        + tail(log, LOG_TAIL_LINES));
            }
            return new Exited(process.exitValue(), Files.readAllLines(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Process launch(Path dataDir, String host, int port, Path log, List<String> args)
            throws IOException {
        Path jar = Path.of(System.getProperty("kapi.jar", "target/apiserver.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no server jar at " + jar + " (run ./mvnw package first)");
        }
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xss1m", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED",
                "-jar", jar.toString(),
                "--secure-port=" + port,
                "--bind-address=" + host,
                "--data-dir=" + dataDir.toAbsolutePath(),
                "--write-kubeconfig=" + dataDir.toAbsolutePath().resolve("admin.kubeconfig")));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static KapiServer awaitReady(Process process, URI base, Path dataDir, Path kubeconfig, FileTime earlier,
                                         Path log) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        HttpClient client = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("kapi server exited with " + process.exitValue() + ":\n"
                        + tail(log, LOG_TAIL_LINES));
            }
            if (client == null && Files.isRegularFile(dataDir.resolve("pki/ca.crt"))
                    && Files.isRegularFile(dataDir.resolve("pki/ca.key"))) {
                // anonymous requests may read /readyz; trusting the CA is all it takes
                try {
                    client = TlsClients.httpClient(TlsClients.ca(dataDir).certificate(), null);
                } catch (RuntimeException beingWritten) {
                    // the server is still writing its CA files: next round
                }
            }
            if (client != null && written(kubeconfig, earlier)) {
                try {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/readyz"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        try {
                            return new KapiServer(process, base, dataDir, kubeconfig, log);
                        } catch (RuntimeException e) {
                            process.destroyForcibly(); // nobody else holds the process to stop it
                            throw e;
                        }
                    }
                } catch (IOException e) {
                    // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException("kapi server not ready after " + STARTUP_TIMEOUT + ":\n"
                + tail(log, LOG_TAIL_LINES));
    }

    /** Whether {@code file} exists and is not the one last modified at {@code earlier}. */
    private static boolean written(Path file, FileTime earlier) {
        try {
            return Files.isRegularFile(file) && !Files.getLastModifiedTime(file).equals(earlier);
        } catch (IOException e) {
            return false;
        }
    }

    /** The server JVM's process. */
    public Process process() {
        return process;
    }

    public URI baseUri() {
        return baseUri;
    }

    /** The absolute URI of a server path such as {@code /api/v1/namespaces}. */
    public URI url(String pathAndQuery) {
        return baseUri.resolve(pathAndQuery);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The admin kubeconfig the server wrote ({@code --write-kubeconfig}). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    public Path log() {
        return log;
    }

    /** The server's CA (certificate and key, from {@code <data-dir>/pki}). */
    public Certificates.Issued ca() {
        return ca;
    }

    /** The admin client certificate (system:admin in system:masters) the tests use. */
    public Certificates.Issued adminCert() {
        return adminCert;
    }

    /** HTTPS as system:admin (group system:masters), by client certificate. */
    public KubeHttp.Client admin() {
        return admin;
    }

    /** TLS trusting the server's CA, presenting {@code clientCert} (null = none). */
    public SSLContext sslContext(Certificates.Issued clientCert) {
        return TlsClients.sslContext(ca.certificate(), clientCert);
    }

    /** HTTPS presenting a client certificate for {@code user} in {@code groups} signed by the server's CA. */
    public KubeHttp.Client asUser(String user, String... groups) {
        return new KubeHttp.Client(this, sslContext(TlsClients.clientCert(ca, user, groups)));
    }

    /** HTTPS without a client certificate, sending {@code Authorization: Bearer <token>} (null = anonymous). */
    public KubeHttp.Client withToken(String token) {
        return new KubeHttp.Client(this, sslContext(null),
                token == null ? new String[0] : new String[]{"Authorization", "Bearer " + token});
    }

    /**
     * Writes a kubeconfig for this server (trusting its CA) that authenticates with {@code token}, and returns
     * its path.
     */
    public Path tokenKubeconfig(String name, String token) {
        try {
            String caData = java.util.Base64.getEncoder().encodeToString(
                    dev.kapi.apiserver.server.tls.Pem.certificates(List.of(ca.certificate()))
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Path file = dataDir.resolve(name + ".kubeconfig");
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: kapi
                      cluster:
                        server: %s
                        certificate-authority-data: %s
                    contexts:
                    - name: %s
                      context:
                        cluster: kapi
                        user: %s
                        namespace: default
                    current-context: %s
                    users:
                    - name: %s
                      user:
                        token: %s
                    """.formatted(baseUri, caData, name, name, name, name, token));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code lines} lines of the server's log. */
    public String logTail(int lines) {
        return tail(log, lines);
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** SIGKILL of the server JVM; waits until it is gone. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Normal stop (SIGTERM), then SIGKILL after 15s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A port nothing listens on right now. */
    public static int freePort() throws IOException {
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
}
