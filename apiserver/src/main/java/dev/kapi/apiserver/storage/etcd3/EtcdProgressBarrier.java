package dev.kapi.apiserver.storage.etcd3;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves the shared watch stream past etcd's current revision when etcd is not asked for progress (before 3.4.31
 * and 3.5.13, see {@link EtcdProgressSupport}): it puts a key of Kapi's own, {@link #KEY} right under the
 * watched prefix, where no resource's prefix reaches (those end in {@code /}, and no resource or group name
 * starts with a dot). etcd delivers that change after every earlier one, so once the stream has delivered it
 * the hub's answer to a progress request, the revision delivered, is at least etcd's revision when the put was
 * made: writes outside the watched prefix, which the stream never sees, no longer hold a watch cache back.
 *
 * <p>A barrier is only written for a watch that asked for progress (a watch cache waiting for a revision), once
 * the stream has delivered nothing for {@link #STILL} (while it moves, it will pass the revision anyway), the
 * last barrier has been delivered, and at most every {@link #EVERY}; one at a time. The key holds one short
 * line saying what it is. The hub's thread calls {@link #request}; the put's answer is handed back to it.
 *
 * <p>Example: a read needs revision 120, written by another client outside {@code /registry/}; the stream
 * delivered 118 and stands still. A barrier put answers 121; when the stream delivers 121 the read's cache
 * hears progress 121 and answers from memory.
 */
final class EtcdProgressBarrier {

    /** The key's name under the watched prefix. */
    static final String KEY = ".kapi-progress-barrier";
    /** How long the stream must have delivered nothing before a barrier is worth writing. */
    static final Duration STILL = Duration.ofMillis(20);
    /** The shortest time between two barriers. */
    static final Duration EVERY = Duration.ofMillis(50);

    private static final Logger LOG = Logger.getLogger(EtcdProgressBarrier.class.getName());
    private static final ByteSequence VALUE = ByteSequence.from("written by Kapi to move its etcd watch past "
            + "writes outside --etcd-prefix (etcd before 3.4.31 is not asked for watch progress)",
            StandardCharsets.UTF_8);

    private final KV kv;
    private final ByteSequence key;
    private final Duration timeout;
    private final Consumer<Runnable> handOff;
    private final AtomicLong writes = new AtomicLong();
    private boolean writing;
    /** The revision of the last barrier etcd acknowledged. */
    private long written;
    private long lastStart = System.nanoTime() - EVERY.toNanos();

    /**
     * @param handOff runs work on the hub's thread, where {@link #request} is called
     */
    EtcdProgressBarrier(KV kv, String watchedPrefix, Duration timeout, Consumer<Runnable> handOff) {
        this.kv = kv;
        this.key = EtcdCalls.bytes(watchedPrefix + KEY);
        this.timeout = timeout;
        this.handOff = handOff;
    }

    /**
     * A watch asked for progress (hub thread): writes a barrier when the stream, at {@code position}, delivered
     * its last change at {@code lastDeliveryNanos} ({@link System#nanoTime}) and the rules above allow one.
     */
    void request(long position, long lastDeliveryNanos) {
        long now = System.nanoTime();
        if (writing || written > position || now - lastDeliveryNanos < STILL.toNanos()
                || now - lastStart < EVERY.toNanos()) {
            return;
        }
        writing = true;
        lastStart = now;
        writes.incrementAndGet();
        kv.put(key, VALUE).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((response, error) -> handOff.accept(() -> {
                    writing = false;
                    if (error == null) {
                        written = Math.max(written, response.getHeader().getRevision());
                    } else {
                        LOG.log(Level.FINE, "the etcd progress barrier was not written", error);
                    }
                }));
    }

    /** How many barriers were written (for tests). */
    long writes() {
        return writes.get();
    }
}
