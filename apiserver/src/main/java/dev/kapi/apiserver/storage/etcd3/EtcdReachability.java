package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Whether etcd answers, as this client's calls see it, told in the log once per change rather than once
 * per call: a WARNING when calls start failing because etcd cannot be reached (with the first failure's
 * reason), an INFO when it answers again (with how many calls failed meanwhile, and for how long). Every
 * etcd call of an {@link EtcdStorage} reports its outcome here. Lock-free: it is called from request
 * threads and the watch hub's thread, never while a lock is held that a logger could wait behind.
 */
final class EtcdReachability {

    private static final Logger LOG = Logger.getLogger(EtcdReachability.class.getName());

    private final String endpoints;
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private final AtomicLong failedCalls = new AtomicLong();
    private volatile long unreachableSinceNanos;

    EtcdReachability(String endpoints) {
        this.endpoints = endpoints;
    }

    /** etcd answered a call (whatever the answer). */
    void answered() {
        if (!reachable.get() && reachable.compareAndSet(false, true)) {
            long failed = failedCalls.getAndSet(0);
            long seconds = (System.nanoTime() - unreachableSinceNanos) / 1_000_000_000L;
            LOG.info("etcd at " + endpoints + " answers again, after " + failed + " failed call"
                    + (failed == 1 ? "" : "s") + " in " + seconds + "s");
        }
    }

    /**
     * A call ended with {@code failure}: a failure to reach etcd counts (and is logged when it is the first
     * since etcd last answered); any other failure is an answer from etcd. A wait interrupted here (the
     * caller is stopping) says nothing about etcd.
     */
    void observed(StorageException failure) {
        if (failure.code() != Code.UNREACHABLE) {
            answered();
            return;
        }
        if (failure.getCause() instanceof InterruptedException) {
            return;
        }
        failedCalls.incrementAndGet();
        if (reachable.get() && reachable.compareAndSet(true, false)) {
            unreachableSinceNanos = System.nanoTime();
            LOG.warning("etcd at " + endpoints + " is unreachable (" + failure.getMessage()
                    + "); storage calls fail with 503 until it answers again");
        }
    }

    /** Whether the last call that said anything about etcd reached it. */
    boolean isReachable() {
        return reachable.get();
    }

    /** Calls that failed to reach etcd since it last answered. */
    long failedCalls() {
        return failedCalls.get();
    }
}
