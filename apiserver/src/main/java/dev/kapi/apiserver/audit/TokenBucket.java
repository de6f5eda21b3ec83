package dev.kapi.apiserver.audit;

import java.time.Duration;

/**
 * client-go's token bucket rate limiter, as kube's batching audit backend throttles its batches with it
 * ({@code --audit-webhook-batch-throttle-qps}, {@code -burst}): it starts full with {@code burst} tokens and gains
 * {@code qps} a second up to {@code burst}; {@link #acquire} takes one, waiting for it when there is none. Safe for
 * concurrent use.
 */
final class TokenBucket {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    TokenBucket(double qps, int burst) {
        this.perNano = qps / 1e9;
        this.burst = Math.max(1, burst);
        this.tokens = this.burst;
        this.last = System.nanoTime();
    }

    /** Takes a token, waiting until there is one. */
    void acquire() throws InterruptedException {
        long wait = reserve();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }

    /** Takes a token now (perhaps one not there yet) and says how long to wait until it is there. */
    synchronized long reserve() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perNano);
    }
}
