package dev.kapi.apiserver.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.IntSupplier;

/**
 * What stopping the server does, as kube-apiserver does on SIGTERM:
 * <ol>
 *   <li>/readyz fails at once (its {@code shutdown} check) while every request is still served for
 *       {@code --shutdown-delay-duration}, so load balancers take the server out first;</li>
 *   <li>then every open watch ends cleanly (its stream's last chunk written, as at its timeout), and any watch
 *       opened from then on ends at once;</li>
 *   <li>Spring then stops the web server gracefully ({@code server.shutdown: graceful}): the listening socket
 *       is closed (new connections are refused), requests in progress (a write waiting on a webhook or etcd)
 *       finish and are answered for at most {@code spring.lifecycle.timeout-per-shutdown-phase} (3 s); then it
 *       closes the beans: background workers, caches, token lookups and last the storage, each of which
 *       returns in bounded time whatever etcd is doing;</li>
 *   <li>the process exits.</li>
 * </ol>
 * A backstop makes the bound hold even if something unforeseen waits forever: once
 * {@link #installBackstop installed} (by the server's {@code main}, not by a context started in a test
 * JVM), a JVM shutdown hook starts on SIGTERM a daemon thread that, should the process still be there
 * {@link #GRACE} after the delay, writes the threads still at work (and any deadlock among them) to
 * stderr and halts with status {@value #HALT_STATUS}. A normal exit does not wait for it.
 *
 * <p>This bean stops first (highest phase), before the web server.
 */
public final class ServerShutdown implements SmartLifecycle {

    /** How long, after the delay, stopping may take before the backstop halts the process. */
    public static final Duration GRACE = Duration.ofSeconds(10);
    /** The exit status when the backstop had to halt the process (a clean SIGTERM exit is 143). */
    public static final int HALT_STATUS = 70;

    private static final Logger LOG = LoggerFactory.getLogger(ServerShutdown.class);

    private final Duration delay;
    private final IntSupplier endStreams;
    private final Thread jvmHook = new Thread(this::armBackstop, "kapi-shutdown-backstop-hook");
    private volatile boolean running;
    private volatile boolean shuttingDown;
    private boolean backstopInstalled;

    public ServerShutdown(Duration delay) {
        this(delay, () -> 0);
    }

    /**
     * @param endStreams ends the open watches after the delay (returns how many there were); must not block
     */
    public ServerShutdown(Duration delay, IntSupplier endStreams) {
        this.delay = delay;
        this.endStreams = endStreams;
    }

    /** True from the moment stopping began: /readyz's {@code shutdown} check fails. */
    public boolean isShuttingDown() {
        return shuttingDown;
    }

    @Override
    public void start() {
        running = true;
    }

    /** Arms the backstop on the JVM's shutdown (SIGTERM); for the server process's {@code main} only. */
    public synchronized void installBackstop() {
        if (!backstopInstalled && running) {
            Runtime.getRuntime().addShutdownHook(jvmHook);
            backstopInstalled = true;
        }
    }

    /** Fails readiness, keeps serving for the delay, ends the watches; the phases after this one stop the server. */
    @Override
    public void stop() {
        shuttingDown = true;
        running = false;
        removeBackstop();
        if (delay.isPositive()) {
            LOG.info("Shutting down: /readyz fails, requests are served for {}s more (--shutdown-delay-duration)",
                    delay.toMillis() / 1000.0);
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int ended = endStreams.getAsInt();
        LOG.info("Shutting down: {} watch stream(s) ended; requests in progress finish, new connections are refused",
                ended);
    }

    /** A context closed while the JVM goes on (not SIGTERM) needs no backstop. */
    private synchronized void removeBackstop() {
        if (backstopInstalled) {
            try {
                Runtime.getRuntime().removeShutdownHook(jvmHook);
            } catch (IllegalStateException jvmExiting) {
                // SIGTERM: the hook runs (and arms the backstop) alongside Spring's own
            }
            backstopInstalled = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    /** Runs as a JVM shutdown hook: starts the backstop and returns, so the exit never waits for it. */
    private void armBackstop() {
        shuttingDown = true;
        Duration bound = delay.plus(GRACE);
        Thread.ofPlatform().daemon().name("kapi-shutdown-backstop").start(() -> {
            try {
                Thread.sleep(bound);
            } catch (InterruptedException e) {
                return;
            }
            Thread report = Thread.ofPlatform().daemon().name("kapi-shutdown-report")
                    .start(() -> System.err.println(stuckReport(bound)));
            try {
                report.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(HALT_STATUS);
        });
    }

    private static String stuckReport(Duration bound) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StringBuilder out = new StringBuilder("Kapi did not stop within " + bound.toMillis() / 1000.0
                + "s of SIGTERM (--shutdown-delay-duration plus " + GRACE.toSeconds() + "s); halting.\n");
        long[] deadlocked = threads.findDeadlockedThreads();
        if (deadlocked != null) {
            out.append("Deadlocked threads:\n");
            Arrays.stream(threads.getThreadInfo(deadlocked, true, true)).forEach(t -> append(out, t));
        }
        out.append("Threads still at work:\n");
        for (ThreadInfo t : threads.dumpAllThreads(true, true)) {
            if (t != null && !t.isDaemon() || t != null && t.getThreadName().contains("ShutdownHook")) {
                append(out, t);
            }
        }
        return out.toString();
    }

    private static void append(StringBuilder out, ThreadInfo t) {
        out.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
        if (t.getLockName() != null) {
            out.append(" on ").append(t.getLockName());
        }
        if (t.getLockOwnerName() != null) {
            out.append(" owned by \"").append(t.getLockOwnerName()).append('"');
        }
        out.append('\n');
        Arrays.stream(t.getStackTrace()).limit(30).forEach(f -> out.append("    at ").append(f).append('\n'));
    }
}
