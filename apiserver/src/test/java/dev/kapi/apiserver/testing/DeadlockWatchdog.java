package dev.kapi.apiserver.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A daemon thread that asks {@link ThreadMXBean#findDeadlockedThreads()} every few milliseconds whether
 * threads of this JVM wait on each other in a cycle (monitors and {@code java.util.concurrent} locks) and
 * keeps the first cycle it sees, with each thread's stack and the locks it holds.
 *
 * <pre>{@code
 * try (DeadlockWatchdog watchdog = DeadlockWatchdog.start()) {
 *     ... race something ...
 *     assertThat(watchdog.cycle()).isNull();
 * }
 * }</pre>
 */
public final class DeadlockWatchdog implements AutoCloseable {

    private static final long PERIOD_MILLIS = 20;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final AtomicReference<String> cycle = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean stopped;

    private DeadlockWatchdog() {
        this.thread = new Thread(this::run, "deadlock-watchdog");
        thread.setDaemon(true);
    }

    public static DeadlockWatchdog start() {
        DeadlockWatchdog watchdog = new DeadlockWatchdog();
        watchdog.thread.start();
        return watchdog;
    }

    /** The first cycle found (a thread dump of its threads), or null. Checks once more before answering. */
    public String cycle() {
        check();
        return cycle.get();
    }

    private void run() {
        while (!stopped) {
            check();
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void check() {
        long[] ids = threads.findDeadlockedThreads();
        if (ids == null || cycle.get() != null) {
            return;
        }
        StringBuilder dump = new StringBuilder("threads in a cycle:\n");
        for (ThreadInfo info : threads.getThreadInfo(ids, true, true)) {
            if (info == null) {
                continue;
            }
            dump.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState())
                    .append(" on ").append(info.getLockName()).append(" owned by \"")
                    .append(info.getLockOwnerName()).append("\"\n");
            Arrays.stream(info.getStackTrace()).limit(40)
                    .forEach(frame -> dump.append("    at ").append(frame).append('\n'));
            Arrays.stream(info.getLockedMonitors())
                    .forEach(m -> dump.append("    holds ").append(m).append(" (").append(m.getLockedStackFrame())
                            .append(")\n"));
            Arrays.stream(info.getLockedSynchronizers())
                    .forEach(s -> dump.append("    holds ").append(s).append('\n'));
        }
        cycle.compareAndSet(null, dump.toString());
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
