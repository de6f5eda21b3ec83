package dev.kapi.apiserver.webhook;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Logs a webhook's failed calls at most every {@link #EVERY}, with kube's prefix, e.g. {@code Failed to make
 * webhook authenticator request: Post "https://authn.example/review": dial tcp ...: connection refused}: during
 * an outage every request fails, and one line per request would flood the log.
 */
public final class FailureLog {

    static final Duration EVERY = Duration.ofSeconds(10);

    private final Logger log;
    private final String prefix;
    private final AtomicLong last = new AtomicLong(System.nanoTime() - EVERY.toNanos());

    /** @param prefix kube's words before the error, e.g. {@code Failed to make webhook authorizer request} */
    public FailureLog(Class<?> owner, String prefix) {
        this.log = Logger.getLogger(owner.getName());
        this.prefix = prefix;
    }

    public void failed(String error) {
        long now = System.nanoTime();
        long before = last.get();
        if (now - before >= EVERY.toNanos() && last.compareAndSet(before, now)) {
            log.warning(() -> prefix + ": " + error + " (logged at most every " + EVERY.toSeconds() + " s)");
        }
    }
}
