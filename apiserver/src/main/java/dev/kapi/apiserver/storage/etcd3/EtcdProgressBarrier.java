package dev.kapi.apiserver.storage.etcd3;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.PutResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves the shared watch stream past etcd's current revision when etcd is not asked for progress (before 3.4.31
 * and 3.5.13, see {@link EtcdProgressSupport}): it puts a key of Kapi's own, {@link #KEY} right under the
 * watched prefix, where no resource's prefix reaches (those end in {@code /}, and no resource or group name
 * starts with a dot). etcd delivers that change after every earlier one, so once the stream has delivered it
 * the hub's answer to a progress request, the revision delivered, is at least etcd's revision when the put was
 * made: a write outside the watched prefix, which the stream never sees, then no longer holds a watch cache back
 * until the next write under the prefix.
 *
 * <p>A barrier is written only while watches keep asking for progress (a watch cache waiting for a revision, which
 * asks every 20 ms) and the stream has delivered nothing for {@link #STILL} since they began, only when the stream
 * is behind the highest current revision Kapi has read from etcd (what such a reader waits for), not before the
 * last barrier came back on the stream, at most every {@link #EVERY}, and one at a time. A write under the prefix
 * whose change is on its way therefore costs no barrier. When only time is missing it looks again then, so a
 * single request is enough. The key holds one short line saying what it is. The hub's thread calls
 * {@link #request}; the put's answer is handed back to it.
 *
 * <p>Example: a read needs revision 120, written by another client outside {@code /registry/}; the stream
 * delivered 118 and stands still. 20 ms later a barrier put answers 121; when the stream delivers 121 the read's
 * cache hears progress 121 and answers from memory.
 */
final class EtcdProgressBarrier {

    /** The key's name under the watched prefix. */
    static final String KEY = ".kapi-progress-barrier";
    /** How long watches must have asked for progress with nothing delivered before a barrier is written. */
    static final Duration STILL = Duration.ofMillis(20);
    /** Requests further apart than this belong to different waits. */
    static final Duration NEW_WAIT = Duration.ofMillis(250);
    /** The shortest time between two barriers. */
    static final Duration EVERY = Duration.ofMillis(50);

    private static final Logger LOG = Logger.getLogger(EtcdProgressBarrier.class.getName());
    private static final Duration LOG_EVERY = Duration.ofMinutes(1);
    private static final ByteSequence VALUE = ByteSequence.from("written by Kapi to move its etcd watch past "
            + "writes outside --etcd-prefix (etcd before 3.4.31 is not asked for watch progress)",
            StandardCharsets.UTF_8);

    /** What the barrier needs of the watch hub; called on the hub's thread. */
    interface Hub {

        /** The revision up to which the shared stream has delivered. */
        long position();

        /** When the stream last delivered a change ({@link System#nanoTime}). */
        long lastDelivery();
    }

    private final KV kv;
    private final String keyName;
    private final ByteSequence key;
    private final Duration timeout;
    private final LongSupplier revisionSeen;
    private final Hub hub;
    private final EtcdHubThread hubThread;
    private final AtomicLong writes = new AtomicLong();
    private boolean writing;
    private boolean recheckPending;
    /** The revision of the last barrier etcd acknowledged. */
    private long written;
    private long lastStart = System.nanoTime() - EVERY.toNanos();
    /** When the current wait's first request came, and its last one. */
    private long waitingSince;
    private long lastRequest = System.nanoTime() - NEW_WAIT.toNanos();
    private long lastFailureLog = System.nanoTime() - LOG_EVERY.toNanos();

    /**
     * @param revisionSeen the highest current revision read from etcd
     */
    EtcdProgressBarrier(KV kv, String watchedPrefix, Duration timeout, LongSupplier revisionSeen, Hub hub,
                        EtcdHubThread hubThread) {
        this.kv = kv;
        this.keyName = watchedPrefix + KEY;
        this.key = EtcdCalls.bytes(keyName);
        this.timeout = timeout;
        this.revisionSeen = revisionSeen;
        this.hub = hub;
        this.hubThread = hubThread;
    }

    /** A watch asked for progress (hub thread): a barrier is written when the rules above allow one. */
    void request() {
        long now = System.nanoTime();
        if (now - lastRequest > NEW_WAIT.toNanos()) {
            waitingSince = now;
        }
        lastRequest = now;
        consider(now);
    }

    /**
     * Writes a barrier when one is due; when only time is missing (the 20 ms, or the 50 ms since the last one),
     * looks again then, so that a single request (a read that did not wait) still gets its barrier.
     */
    private void consider(long now) {
        long position = hub.position();
        if (writing || written > position || position >= revisionSeen.getAsLong()) {
            return;
        }
        if (hub.lastDelivery() - waitingSince > 0) {
            waitingSince = now; // the stream moved: it may pass the revision by itself
        }
        long due = Math.max(STILL.toNanos() - (now - waitingSince), EVERY.toNanos() - (now - lastStart));
        if (due > 0) {
            if (!recheckPending && now - lastRequest <= NEW_WAIT.toNanos()) { // no one asks any more: no recheck
                recheckPending = true;
                hubThread.later(TimeUnit.NANOSECONDS.toMillis(due) + 1, () -> {
                    recheckPending = false;
                    consider(System.nanoTime());
                });
            }
            return;
        }
        writing = true;
        lastStart = now;
        writes.incrementAndGet();
        try {
            kv.put(key, VALUE).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((response, error) -> hubThread.execute(() -> written(response, error)));
        } catch (RuntimeException e) {
            written(null, e);
        }
    }

    /** The put's answer (hub thread). */
    private void written(PutResponse response, Throwable error) {
        writing = false;
        if (error == null) {
            written = Math.max(written, response.getHeader().getRevision());
            return;
        }
        long now = System.nanoTime();
        if (now - lastFailureLog >= LOG_EVERY.toNanos()) {
            lastFailureLog = now;
            LOG.info("the etcd progress barrier " + keyName + " could not be written (reads waiting for writes outside "
                    + "the watched prefix read etcd instead; logged at most every minute): " + error);
        } else {
            LOG.log(Level.FINE, "the etcd progress barrier was not written", error);
        }
    }

    /** How many barriers were written (for tests). */
    long writes() {
        return writes.get();
    }
}
