package dev.kapi.apiserver.storage.sqlite;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Whether the last write found the disk full, said once in the log when it turns full and when writes
 * work again, and when the next probe write is due (once a second while full).
 */
final class DiskSpace {

    private static final Logger LOG = Logger.getLogger(DiskSpace.class.getName());
    private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;

    private volatile boolean full;
    private final AtomicLong nextProbe = new AtomicLong();

    boolean hasSpace() {
        return !full;
    }

    void full() {
        if (!full) {
            full = true;
            nextProbe.set(System.nanoTime() + PROBE_INTERVAL_NANOS);
            LOG.warning("the disk of the embedded store is full: writes fail until space is freed");
        }
    }

    void written() {
        if (full) {
            full = false;
            LOG.info("the embedded store writes again: the disk has space");
        }
    }

    /** True at most once a second while full: the caller may try a write. */
    boolean probeDue() {
        long now = System.nanoTime();
        long due = nextProbe.get();
        return now - due >= 0 && nextProbe.compareAndSet(due, now + PROBE_INTERVAL_NANOS);
    }
}
