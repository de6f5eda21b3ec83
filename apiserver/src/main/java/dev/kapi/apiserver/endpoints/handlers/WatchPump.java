package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.registry.ApiWatchEvent;
import dev.kapi.apiserver.registry.StoreWatch;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Moves one watch's events to its client without holding a thread while nothing happens: when the
 * watch queues events, a virtual thread is started that writes everything ready to the {@link Sink} and
 * ends when the queue is empty. An idle watch therefore costs only its objects (no thread stack), which
 * is what lets a server hold thousands of them. The watch ends at its deadline, when it closes (after an
 * ERROR event, or a reader too slow), or when writing fails (the client left); then {@code onEnd} runs
 * once.
 */
final class WatchPump {

    /** Where events go: the HTTP response stream or a WebSocket session. */
    interface Sink {
        /** Writes {@code events} and flushes them; an IOException means the client is gone. */
        void send(List<ApiWatchEvent> events) throws IOException;

        /** Ends the stream normally (the watch ended, the client is still there). */
        default void finish() throws IOException {
        }
    }

    private static final ScheduledThreadPoolExecutor DEADLINES = deadlineTimer();

    private final StoreWatch<?> watch;
    private final Sink sink;
    private final Runnable onEnd;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile ScheduledFuture<?> deadline;

    WatchPump(StoreWatch<?> watch, Sink sink, Runnable onEnd) {
        this.watch = watch;
        this.sink = sink;
        this.onEnd = onEnd;
    }

    /** Sends what is already queued (the initial events) and everything that follows, until {@code deadlineMillis}. */
    void start(long deadlineMillis) {
        deadline = DEADLINES.schedule(watch::close, Math.max(0, deadlineMillis - System.currentTimeMillis()),
                TimeUnit.MILLISECONDS);
        watch.onEvents(this::wake);
        wake();
    }

    /** Ends the watch now (the client closed the stream); safe to call more than once, from any thread. */
    void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        watch.close();
        ScheduledFuture<?> d = deadline;
        if (d != null) {
            d.cancel(false);
        }
        onEnd.run();
    }

    private void wake() {
        if (!ended.get() && draining.compareAndSet(false, true)) {
            Thread.ofVirtual().name("watch").start(this::drain);
        }
    }

    private void drain() {
        try {
            while (true) {
                List<ApiWatchEvent> events = watch.poll(0);
                if (!events.isEmpty()) {
                    sink.send(events);
                }
                if (watch.isClosed()) {
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
        } catch (IOException | RuntimeException clientGoneOrFailed) {
            // the client disconnected or was too slow to read; ending the watch releases everything
            end();
        }
    }

    private static ScheduledThreadPoolExecutor deadlineTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("watch-deadlines").daemon().factory());
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
