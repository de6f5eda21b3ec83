package dev.kapi.apiserver.controllers.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The delay before a job whose pods failed gets new ones (kube's pod failure back-off): {@code base} after one
 * failure since the last success, doubled for each further one, at most {@code max}; counted from the time
 * the controller counted the last failure. Kept in memory, as kube's backoff store is.
 */
final class JobBackoff {

    private record Failures(int count, Instant last) {
    }

    private final Map<String, Failures> byJob = new ConcurrentHashMap<>();
    private final Duration base;
    private final Duration max;

    JobBackoff(Duration base, Duration max) {
        this.base = base;
        this.max = max;
    }

    /** The pods of job {@code key} newly seen finished in one sync. */
    void record(String key, int newSucceeded, int newFailed, Instant now) {
        if (newFailed > 0) {
            byJob.merge(key, new Failures(newFailed, now), (a, b) -> new Failures(a.count() + b.count(), b.last()));
        } else if (newSucceeded > 0) {
            byJob.remove(key);
        }
    }

    /** How long the job still waits before a new pod (zero: none). */
    Duration remaining(String key, Instant now) {
        Failures f = byJob.get(key);
        if (f == null || base.isZero()) {
            return Duration.ZERO;
        }
        long millis = base.toMillis() << Math.min(f.count() - 1, 30);
        Duration delay = Duration.ofMillis(Math.min(millis < 0 ? Long.MAX_VALUE : millis, max.toMillis()));
        Duration left = Duration.between(now, f.last().plus(delay));
        return left.isNegative() ? Duration.ZERO : left;
    }

    void forget(String key) {
        byJob.remove(key);
    }
}
