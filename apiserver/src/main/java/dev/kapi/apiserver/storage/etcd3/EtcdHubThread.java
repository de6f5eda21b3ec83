package dev.kapi.apiserver.storage.etcd3;

import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one thread of an {@link EtcdWatchHub}: jetcd's callbacks (on its Vert.x event loop, the client's only I/O
 * thread) queue their work here and return at once, and the hub's changes of its streams run here too, one at a
 * time in the order queued. Work that fails is logged; once {@link #shutdown} the thread takes no more work.
 */
final class EtcdHubThread implements Executor {

    private static final Logger LOG = Logger.getLogger(EtcdWatchHub.class.getName());

    private final ScheduledThreadPoolExecutor executor;

    EtcdHubThread(String name) {
        executor = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name(name).daemon().factory());
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Queues {@code work} and returns at once; nothing when shut down (nothing is left to deliver to). */
    @Override
    public void execute(Runnable work) {
        try {
            executor.execute(() -> guarded(work));
        } catch (RejectedExecutionException closing) {
            // shut down: the storage closed every watcher
        }
    }

    /** Queues {@code work} to run after {@code millis}; nothing when shut down. */
    void later(long millis, Runnable work) {
        try {
            executor.schedule(() -> guarded(work), millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // shut down: nothing is left to reopen or ask for
        }
    }

    /**
     * Queues {@code work} for a caller that waits for it.
     *
     * @throws RejectedExecutionException when shut down
     */
    Future<?> submit(Runnable work) {
        return executor.submit(work);
    }

    /** Takes no more work and drops what is queued, cancelling it: a caller waiting for it fails at once. */
    void shutdown() {
        for (Runnable queued : executor.shutdownNow()) {
            if (queued instanceof Future<?> task) {
                task.cancel(false);
            }
        }
    }

    private static void guarded(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "etcd watch hub task failed", e);
        }
    }
}
