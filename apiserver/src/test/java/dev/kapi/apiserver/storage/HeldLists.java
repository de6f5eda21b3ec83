package dev.kapi.apiserver.storage;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pass-through storage whose first {@code held} lists read storage, then wait (up to 20 s) until
 * {@link #release()} to answer: a watch cache's priming held back, or a list kept under way. Counts every list and
 * every read of the current revision.
 */
public class HeldLists extends ForwardingStorage {

    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger lists = new AtomicInteger();
    private final AtomicInteger revisions = new AtomicInteger();
    private final int held;

    public HeldLists(Storage delegate, int held) {
        super(delegate);
        this.held = held;
    }

    @Override
    public ListResult list(String prefix, ListOptions options) {
        boolean hold = lists.getAndIncrement() < held;
        ListResult result = delegate.list(prefix, options);
        if (hold) {
            try {
                released.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return result;
    }

    @Override
    public long currentRevision() {
        revisions.incrementAndGet();
        return delegate.currentRevision();
    }

    /** The current revisions asked for so far. */
    public int revisions() {
        return revisions.get();
    }

    /** Lets the held lists (and every later one) through. */
    public void release() {
        released.countDown();
    }

    /** The lists asked for so far. */
    public int lists() {
        return lists.get();
    }
}
