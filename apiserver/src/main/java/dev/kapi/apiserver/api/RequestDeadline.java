package dev.kapi.apiserver.api;

import java.time.Duration;

/**
 * The deadline of the request the current thread serves (kube's request context deadline), set by the request
 * deadline stage for the handler's thread. Calls made for this request alone (an admission or conversion webhook)
 * wait no longer than it; work shared with other requests (storage, caches) never reads it, so that one
 * request's short {@code timeout} cannot cut a call others wait for.
 *
 * <p>Example: a request with {@code timeout=5s} that calls a webhook with {@code timeoutSeconds: 10} after 2 s
 * waits at most 3 s for it: {@code RequestDeadline.bound(Duration.ofSeconds(10))} is 3 s then.
 */
public final class RequestDeadline {

    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

    private RequestDeadline() {
    }

    /**
     * Sets this thread's deadline to {@code System.nanoTime()} + {@code timeout} until the scope closes (then the
     * one before, if any, holds again).
     */
    public static Scope enter(Duration timeout) {
        Long outer = DEADLINE.get();
        DEADLINE.set(System.nanoTime() + timeout.toNanos());
        return () -> restore(outer);
    }

    /**
     * {@code task} run under this thread's deadline on whichever thread runs it (the deadline is not inherited:
     * a thread that outlives the request must never carry it), e.g. webhooks called in parallel.
     */
    public static Runnable propagated(Runnable task) {
        Long deadline = DEADLINE.get();
        if (deadline == null) {
            return task;
        }
        return () -> {
            Long outer = DEADLINE.get();
            DEADLINE.set(deadline);
            try {
                task.run();
            } finally {
                restore(outer);
            }
        };
    }

    private static void restore(Long outer) {
        if (outer == null) {
            DEADLINE.remove();
        } else {
            DEADLINE.set(outer);
        }
    }

    /** Whether this thread serves a request whose deadline has passed. */
    public static boolean passed() {
        Long deadline = DEADLINE.get();
        return deadline != null && System.nanoTime() - deadline >= 0;
    }

    /** {@code timeout}, or what is left of this thread's request deadline when that is shorter (never negative). */
    public static Duration bound(Duration timeout) {
        Long deadline = DEADLINE.get();
        if (deadline == null) {
            return timeout;
        }
        long left = Math.max(0, deadline - System.nanoTime());
        return left < timeout.toNanos() ? Duration.ofNanos(left) : timeout;
    }

    /** A deadline in force on this thread until closed. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
