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

/**
 * A single-member etcd (the {@code etcd} binary on the PATH) run as a child process on loopback ports,
 * for a server started without {@code --etcd-servers} and for tests. {@link #start} returns once the
 * member answers {@code /health}; {@link #close} stops it and waits for it to exit. The data directory is
 * the caller's: it survives {@link #close}, so {@link #restart} (or a new start on the same ports and
 * directory) finds the same data.
 */
public final class LocalEtcdProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final Path log;
    private Process process;
    private boolean paused;

    private LocalEtcdProcess(Path dataDir, int clientPort, int peerPort) {
        this.dataDir = dataDir;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    }

    /** Starts etcd on two free loopback ports with {@code dataDir} (created when missing). */
    public static LocalEtcdProcess start(Path dataDir) {
        LocalEtcdProcess etcd = new LocalEtcdProcess(dataDir.toAbsolutePath(), freePort(), freePort());
        etcd.launch();
        return etcd;
    }

    /** The client URL, e.g. {@code http://127.0.0.1:23790}. */
    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
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
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> command = new ArrayList<>(List.of("etcd",
                "--name", "kapi",
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "kapi=" + peer,
                "--experimental-watch-progress-notify-interval", "5s",
                "--log-level", "warn"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start etcd (is the etcd binary on the PATH?)", e);
        }
        awaitHealthy();
    }

    private void awaitHealthy() {
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

    private static int freePort() {
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
