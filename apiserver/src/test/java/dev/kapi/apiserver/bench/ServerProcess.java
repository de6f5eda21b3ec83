package dev.kapi.apiserver.bench;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TlsClients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test: {@code java -jar apiserver.jar} started as a child process on a free loopback
 * port (HTTPS; its connections by default authenticate as system:masters with a certificate signed by the
 * server's generated CA) as a {@link Spec} says: against the benchmark's etcd or on the embedded store,
 * with an authorization mode and a token file, its output appended to {@code <name>.log} in the work
 * directory and its data in {@code <name>-data}.
 * Its heap is read with the JDK's {@code jcmd} ({@code GC.run} then {@code GC.heap_info}), so the server
 * needs nothing exposed for it.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)");
    private static final Pattern USED = Pattern.compile("\\bused (\\d+)([KMG])");

    /**
     * What to start: {@code name} names the log and data directory; {@code etcdEndpoint} null means the
     * embedded store; {@code tokenFile} (may be null) is passed as {@code --token-auth-file}.
     */
    record Spec(String name, String etcdEndpoint, String authorizationMode, Path tokenFile, String etcdPrefix) {
        static Spec etcd(String name, String endpoint, String authorizationMode, Path tokenFile, String etcdPrefix) {
            return new Spec(name, endpoint, authorizationMode, tokenFile, etcdPrefix);
        }

        static Spec embedded(String name, String authorizationMode, Path tokenFile) {
            return new Spec(name, null, authorizationMode, tokenFile, "/registry");
        }
    }

    private final Process process;
    private final int port;
    private final Path log;
    private final Path javaBin;
    private final Path dataDir;

    private ServerProcess(Process process, int port, Path log, Path javaBin, Path dataDir) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.javaBin = javaBin;
        this.dataDir = dataDir;
    }

    /** Starts the server and waits (up to two minutes) until it serves the {@code default} namespace. */
    static ServerProcess start(BenchOptions options, Spec spec) throws IOException, InterruptedException {
        return start(options, spec, List.of());
    }

    /** {@link #start(BenchOptions, Spec)} with more server flags. */
    static ServerProcess start(BenchOptions options, Spec spec, List<String> flags)
            throws IOException, InterruptedException {
        ServerProcess server = launch(options, spec, flags);
        server.awaitReady(server.dataDir);
        return server;
    }

    /**
     * Starts the server without waiting for it (e.g. to time its start); its connections trust its CA once
     * {@code pki/ca.key} exists in its data directory (at once when it is restarted on the same directory).
     */
    static ServerProcess launch(BenchOptions options, Spec spec) throws IOException {
        return launch(options, spec, List.of());
    }

    /** {@link #launch(BenchOptions, Spec)} with more server flags ({@code flags}, e.g. --simulated-nodes=100). */
    static ServerProcess launch(BenchOptions options, Spec spec, List<String> flags) throws IOException {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        int port = freePort();
        Path dataDir = options.workDir().resolve(spec.name() + "-data");
        Files.createDirectories(dataDir);
        Path log = options.workDir().resolve(spec.name() + ".log");
        List<String> command = new ArrayList<>(List.of(javaBin.resolve("java").toString(),
                "-Xmx" + options.serverHeap(), "-XX:+UnlockDiagnosticVMOptions"));
        if (!options.serverJvmArgs().isBlank()) {
            command.addAll(Arrays.asList(options.serverJvmArgs().trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", options.jar().toAbsolutePath().toString(), "--secure-port=" + port,
                "--bind-address=127.0.0.1", "--data-dir=" + dataDir, "--authorization-mode=" + spec.authorizationMode(),
                "--etcd-prefix=" + spec.etcdPrefix()));
        if (spec.etcdEndpoint() != null) {
            command.add("--etcd-servers=" + spec.etcdEndpoint());
        }
        if (spec.tokenFile() != null) {
            command.add("--token-auth-file=" + spec.tokenFile().toAbsolutePath());
        }
        command.addAll(flags);
        String extra = System.getProperty("bench.serverArgs", "");
        if (!extra.isBlank()) { // e.g. -Dbench.serverArgs=--watch-cache=false, for an A/B of a server flag
            command.addAll(Arrays.asList(extra.trim().split("\\s+")));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ServerProcess server = new ServerProcess(process, port, log, javaBin, dataDir);
        server.trustCaIfPresent();
        return server;
    }

    /**
     * Once the server's CA exists in its data directory, connections to it speak TLS trusting it, as
     * system:masters; returns whether it does (yet).
     */
    boolean trustCaIfPresent() {
        if (!Files.exists(dataDir.resolve("pki/ca.key"))) {
            return false;
        }
        Certificates.Issued ca = TlsClients.ca(dataDir);
        BenchHttp.useTls(port, TlsClients.sslContext(ca.certificate(), TlsClients.clientCert(ca, "bench", "system:masters")));
        return true;
    }

    /** Whether the process still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** The server's {@code --data-dir} (its CA in pki/, the embedded store in db/). */
    Path dataDir() {
        return dataDir;
    }

    /** Credentials of a client with no certificate (trusting the server's CA) sending {@code Bearer token}. */
    BenchHttp.Credentials bearer(String token) {
        Certificates.Issued ca = TlsClients.ca(dataDir);
        return new BenchHttp.Credentials(TlsClients.sslContext(ca.certificate(), null).getSocketFactory(),
                "Bearer " + token);
    }

    /** The used heap in bytes after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}). */
    long usedHeapAfterGc() throws IOException, InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 2; i++) { // two GCs: the second also frees what finalization/cleaners released
            jcmd("GC.run");
            best = Math.min(best, parseUsed(jcmd("GC.heap_info")));
        }
        return best;
    }

    /**
     * The bytes of the objects alive in the server's heap: the total of {@code jcmd GC.class_histogram}, which
     * forces a full GC and counts what it reached. Unlike the heap's "used" after {@code GC.run}, this leaves out
     * garbage a collection did not reclaim (seen several times as hundreds of MB on a server that had just
     * started: a full GC that kept whole regions).
     */
    long liveHeapBytes() throws IOException, InterruptedException {
        Matcher m = HISTOGRAM_TOTAL.matcher(classHistogram());
        if (!m.find()) {
            throw new IllegalStateException("no Total line in GC.class_histogram output");
        }
        return Long.parseLong(m.group(1));
    }

    /** {@code jcmd <pid> GC.class_histogram} output (only live objects; forces a full GC). */
    String classHistogram() throws IOException, InterruptedException {
        return jcmd("GC.class_histogram");
    }

    /** CPU time (user + system) the server process has used so far, in milliseconds. */
    long cpuMillis() {
        return ProcStat.cpuMillis(process.pid());
    }

    static long parseUsed(String heapInfo) {
        Matcher m = USED.matcher(heapInfo);
        if (!m.find()) {
            throw new IllegalStateException("no 'used' in GC.heap_info output:\n" + heapInfo);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "K" -> n << 10;
            case "M" -> n << 20;
            default -> n << 30;
        };
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(javaBin.resolve("jcmd").toString(), Long.toString(process.pid()), command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed:\n" + out);
        }
        return out;
    }

    /** Waits until the server answers over TLS, as system:masters with a certificate signed by its CA. */
    private void awaitReady(Path dataDir) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        boolean tls = false;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + "; see " + log);
            }
            if (!tls) {
                tls = trustCaIfPresent();
            }
            try (BenchHttp http = new BenchHttp(port)) {
                if (http.send("GET", "/api/v1/namespaces/default", null).status() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        close();
        throw new IllegalStateException("server not ready within 2 minutes; see " + log);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
