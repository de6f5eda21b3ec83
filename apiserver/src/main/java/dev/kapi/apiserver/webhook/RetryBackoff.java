package dev.kapi.apiserver.webhook;

import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * kube's retry backoff for the webhooks a kubeconfig names ({@code wait.Backoff} with factor 1.5, jitter 0.2 and
 * 5 steps): {@link #TRIES} tries in all; before each try after the first, {@link #sleep} waits the current wait
 * plus up to 20% and makes the next wait 1.5 times as long. One per call being retried.
 *
 * <p>Example: with {@link #KUBE_INITIAL}, the waits are 500-600, 750-900, 1125-1350 and
 * 1688-2025 ms.
 */
public final class RetryBackoff {

    public static final int TRIES = 5;
    /** The first wait of kube's authentication and authorization webhooks (audit's is 10 s). */
    public static final Duration KUBE_INITIAL = Duration.ofMillis(500);

    private final URI uri;
    private double waitNanos;

    public RetryBackoff(Duration initial, URI uri) {
        this.uri = uri;
        this.waitNanos = initial.toNanos();
    }

    /** Waits before the next try; an interrupt ends the call as Go's canceled context does. */
    public void sleep() throws InterruptedIOException {
        long jittered = (long) (waitNanos * (1 + 0.2 * ThreadLocalRandom.current().nextDouble()));
        try {
            Thread.sleep(Duration.ofNanos(jittered));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Post \"" + uri + "\": context canceled");
        }
        waitNanos *= 1.5;
    }
}
