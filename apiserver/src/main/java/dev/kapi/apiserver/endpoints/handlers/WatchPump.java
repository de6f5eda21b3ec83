package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.registry.ApiWatchEvent;
import dev.kapi.apiserver.registry.StoreWatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Moves one watch's events to its client without holding a thread while nothing happens: when the
 * watch queues events, a virtual thread is started that writes everything ready to the {@link Sink} and
 * ends when the queue is empty. An idle watch therefore costs only its objects (no thread stack), which
 * is what lets a server hold thousands of them. The watch ends at its deadline, when it closes (after an
 * ERROR event, or a reader too slow), when writing fails (the client left), or when a write makes no
 * progress for the write-progress timeout (the client stopped reading); then {@code onEnd} runs once.
 * <p>
 * Events are taken from the watch one at a time and written straight to the sink, which flushes after
 * about {@value #BATCH_BYTES} bytes or when no more are ready: a writer blocked by a client that does not
 * read holds one event, and the rest stay in the watch's bounded queue (see {@link StoreWatch}).
 */
final class WatchPump {

    /** Where events go: the HTTP response stream or a WebSocket session. */
    interface Sink {
        /**
         * Writes one event, perhaps only into a buffer until {@link #flush}, and returns how many bytes it
         * wrote; calls {@code progressed} whenever a part of it went out (a long write is not stalled while
         * it moves). An IOException means the client is gone.
         */
        long write(ApiWatchEvent event, Runnable progressed) throws IOException;

        /** Sends what was written. */
        default void flush() throws IOException {
        }

        /** Ends the stream normally (the watch ended, the client is still there). */
        default void finish() throws IOException {
        }

        /**
         * Closes the connection at once, so that a write blocked on it fails: the client stopped reading.
         * Called from another thread than the writer's.
         */
        default void abort() {
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(WatchPump.class);
    /** About how many bytes are written between flushes (at least one event is). */
    static final int BATCH_BYTES = 1 << 20;
    /**
     * How long a write to the client may make no progress before the watch ends: a client that stops reading
     * frees what its watch holds after this, not at the watch's deadline ({@code timeoutSeconds}, which it
     * chooses), as kube-apiserver's cacher ends a watcher that cannot take its events.
     */
    static final Duration WRITE_PROGRESS_TIMEOUT = Duration.ofSeconds(60);
    /** The write-progress timeout of pumps made from now on: {@link #WRITE_PROGRESS_TIMEOUT}, shorter in tests. */
    static volatile Duration writeProgressTimeout = WRITE_PROGRESS_TIMEOUT;
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlineTimer();

    private final StoreWatch<?> watch;
    private final Sink sink;
    private final Runnable onEnd;
    private final long stallNanos;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile ScheduledFuture<?> deadline;
    private volatile ScheduledFuture<?> stallCheck;
    /** When the write under way started or last made progress ({@link System#nanoTime}); 0: none under way. */
    private volatile long writingSince;

    WatchPump(StoreWatch<?> watch, Sink sink, Runnable onEnd) {
        this(watch, sink, onEnd, writeProgressTimeout);
    }

    WatchPump(StoreWatch<?> watch, Sink sink, Runnable onEnd, Duration writeProgressTimeout) {
        this.watch = watch;
        this.sink = sink;
        this.onEnd = onEnd;
        this.stallNanos = writeProgressTimeout.toNanos();
    }

    /** Sends what is already queued (the initial events) and everything that follows, until {@code deadlineMillis}. */
    void start(long deadlineMillis) {
        deadline = DEADLINES.schedule(watch::close, Math.max(0, deadlineMillis - System.currentTimeMillis()),
                TimeUnit.MILLISECONDS);
        long period = Math.max(1, stallNanos / 4);
        stallCheck = DEADLINES.scheduleWithFixedDelay(this::checkStalled, period, period, TimeUnit.NANOSECONDS);
        watch.onEvents(this::wake);
        wake();
    }

    /** Ends the watch now (the client closed the stream); safe to call more than once, from any thread. */
    void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try {
            watch.close();
        } finally {
            cancel(deadline);
            cancel(stallCheck);
            onEnd.run();
        }
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    private void wake() {
        if (!ended.get() && draining.compareAndSet(false, true)) {
            Thread.ofVirtual().name("watch").start(this::drain);
        }
    }

    private void drain() {
        try {
            while (true) {
                sendBatch();
                if (ended.get()) {
                    return; // ended elsewhere (the client left): what is still queued is not for anyone
                }
                if (watch.isClosed()) {
                    progressed();
                    sink.finish();
                    end();
                    return;
                }
                if (!watch.hasPending()) {
                    draining.set(false);
                    // an event queued between the check and the reset finds draining still set: look again
                    if ((!watch.hasPending() && !watch.isClosed()) || !draining.compareAndSet(false, true)) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            end();
        } catch (IOException clientGone) {
            // the client disconnected, or stopped reading and was cut off: ending the watch releases everything
            end();
        } catch (RuntimeException e) {
            LOG.debug("watch stream failed", e);
            end();
        } catch (Throwable e) {
            // out of memory, or any other Error: end this watch (freeing what it holds) rather than leave it
            // stuck, draining set and nothing delivered ever again
            try {
                end();
            } finally {
                LOG.warn("watch stream failed, ended it", e);
            }
        }
    }

    /** Writes the events ready, one at a time, until about {@value #BATCH_BYTES} bytes went out; then flushes. */
    private void sendBatch() throws IOException, InterruptedException {
        long written = 0;
        boolean wrote = false;
        while (written < BATCH_BYTES && watch.hasPending() && !ended.get()) {
            for (ApiWatchEvent e : watch.poll(0, 1)) {
                progressed();
                written += sink.write(e, this::progressed);
                wrote = true;
            }
        }
        if (wrote) {
            progressed();
            sink.flush();
        }
        writingSince = 0;
    }

    private void progressed() {
        writingSince = System.nanoTime();
    }

    /** Ends the watch when a write made no progress for the write-progress timeout (run by the timer). */
    private void checkStalled() {
        long since = writingSince;
        if (since == 0 || System.nanoTime() - since < stallNanos || ended.get()) {
            return;
        }
        writingSince = 0; // checked once: the abort below ends the write
        LOG.debug("ending a watch whose client read nothing for {} ms", TimeUnit.NANOSECONDS.toMillis(stallNanos));
        Thread.ofVirtual().name("watch-stalled").start(() -> {
            try {
                sink.abort();
            } finally {
                end();
            }
        });
    }

    private static ScheduledThreadPoolExecutor deadlineTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("watch-deadlines").daemon().factory());
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
