package dev.kapi.apiserver.storage.etcd3;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * An etcd member (the {@code etcd} binary on the PATH) run as a child process on loopback ports, for tests:
 * a single-member etcd ({@link #start}), optionally serving its clients over TLS ({@link ClientTls}), or a
 * member of a cluster ({@link #spawn} each member of a {@link Member#initialCluster}, then
 * {@link #awaitHealthy}). {@link #start} returns once the member answers {@code /health}; {@link #close} stops
 * it and waits for it to exit. The data directory is the caller's: it survives {@link #close}, so
 * {@link #restart} (or a new start on the same ports and directory) finds the same data.
 */
public final class LocalEtcdProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Client TLS of a member: etcd's {@code --cert-file}, {@code --key-file} and, when {@code trustedCaFile} is
     * set, {@code --client-cert-auth --trusted-ca-file} (clients must present a certificate that CA signed).
     * {@code healthCheck} is the TLS context this class checks {@code /health} with (it must trust the
     * serving certificate and, with client certificate auth, present a client certificate).
     */
    public record ClientTls(Path certFile, Path keyFile, Path trustedCaFile, SSLContext healthCheck) {
    }

    /**
     * One member: its name, its client and peer ports on 127.0.0.1, the {@code --initial-cluster} it
     * starts in (e.g. {@code m0=http://127.0.0.1:2380,m1=...}; null: a cluster of itself alone) and its
     * client TLS (null: plain HTTP).
     */
    public record Member(String name, int clientPort, int peerPort, String initialCluster, ClientTls tls) {

        /** The peer URL of this member, as {@code --initial-cluster} names it. */
        public String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }
    }

    private final Path dataDir;
    private final Member member;
    private final Path log;
    private Process process;
    private boolean paused;

    private LocalEtcdProcess(Path dataDir, Member member) {
        this.dataDir = dataDir;
        this.member = member;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    }

    /** Starts etcd on two free loopback ports with {@code dataDir} (created when missing). */
    public static LocalEtcdProcess start(Path dataDir) {
        return start(dataDir, null);
    }

    /** Starts etcd serving its clients over {@code tls} (null: plain HTTP) on two free loopback ports. */
    public static LocalEtcdProcess start(Path dataDir, ClientTls tls) {
        LocalEtcdProcess etcd = spawn(dataDir, new Member("kapi", freePort(), freePort(), null, tls));
        etcd.awaitHealthy();
        return etcd;
    }

    /**
     * Starts the process of {@code member} without waiting for it to serve: the members of a new cluster
     * only become healthy once a quorum of them runs, so a caller spawns them all, then calls
     * {@link #awaitHealthy} on each.
     */
    public static LocalEtcdProcess spawn(Path dataDir, Member member) {
        LocalEtcdProcess etcd = new LocalEtcdProcess(dataDir.toAbsolutePath(), member);
        synchronized (etcd) {
            etcd.launchProcess();
        }
        return etcd;
    }

    /** The client URL, e.g. {@code http://127.0.0.1:23790} ({@code https://} with client TLS). */
    public String endpoint() {
        return (member.tls() == null ? "http" : "https") + "://127.0.0.1:" + member.clientPort();
    }

    /** The member's name ({@code --name}). */
    public String name() {
        return member.name();
    }

    public List<String> endpoints() {
        return List.of(endpoint());
    }

    public Path dataDir() {
        return dataDir;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the process (if running) and starts it again on the same ports and data directory. */
    public synchronized void restart() {
        stop();
        launch();
    }

    /** Starts the process again when it is not running (after {@link #kill} or {@link #stop}). */
    public synchronized void ensureRunning() {
        if (process != null && process.isAlive()) {
            resume();
            return;
        }
        process = null;
        launch();
    }

    /** SIGKILL: etcd dies at once (no graceful close of its connections); waits until it is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        paused = false;
    }

    /** SIGSTOP: etcd freezes with its connections open, so calls neither fail nor answer ({@link #resume} ends it). */
    public synchronized void pause() {
        if (process != null && process.isAlive() && !paused) {
            signal("STOP");
            paused = true;
        }
    }

    /** SIGCONT after {@link #pause}. */
    public synchronized void resume() {
        if (process != null && paused) {
            signal("CONT");
            paused = false;
        }
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling etcd", e);
        }
    }

    /** Stops the process and waits for it to exit; the data directory stays. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        resume();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void launch() {
        launchProcess();
        awaitHealthy();
    }

    private void launchProcess() {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String client = endpoint();
        String peer = member.peerUrl();
        List<String> command = new ArrayList<>(List.of("etcd",
                "--name", member.name(),
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", member.initialCluster() == null ? member.name() + "=" + peer
                        : member.initialCluster(),
                "--experimental-watch-progress-notify-interval", "5s",
                "--log-level", "warn"));
        ClientTls tls = member.tls();
        if (tls != null) {
            command.addAll(List.of("--cert-file", tls.certFile().toString(), "--key-file", tls.keyFile().toString()));
            if (tls.trustedCaFile() != null) {
                command.addAll(List.of("--client-cert-auth", "--trusted-ca-file", tls.trustedCaFile().toString()));
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start etcd (is the etcd binary on the PATH?)", e);
        }
    }

    /** Waits until the member answers {@code /health} with true (it then has a leader); stops it on failure. */
    public synchronized void awaitHealthy() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with " + process.exitValue() + "; see " + log);
            }
            if (healthy()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("interrupted while starting etcd", e);
            }
        }
        stop();
        throw new IllegalStateException("etcd did not become healthy within " + START_TIMEOUT + "; see " + log);
    }

    private boolean healthy() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/health").toURL().openConnection();
            if (c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(member.tls().healthCheck().getSocketFactory());
            }
            c.setConnectTimeout(500);
            c.setReadTimeout(1000);
            try {
                return c.getResponseCode() == 200 && new String(c.getInputStream().readAllBytes()).contains("true");
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** A loopback port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory tree (used for throw-away data directories). */
    public static void deleteRecursively(Path dir) {
        File[] children = dir.toFile().listFiles();
        if (children != null) {
            for (File child : children) {
                deleteRecursively(child.toPath());
            }
        }
        dir.toFile().delete();
    }
}
