package dev.kapi.apiserver.controllers;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The keys a controller has to reconcile (kube's rate-limiting work queue, small). A key is queued at most
 * once however often it is added, and handed to one worker at a time: added while a worker has it, it is
 * handed out again after that worker's {@link #done}. {@link #addAfter} queues a key later;
 * {@link #addRateLimited} after a wait that doubles with each failure of that key, from {@code firstRetry} up
 * to {@code maxRetry}, until {@link #forget}.
 *
 * <p>Example: {@code add("a"); add("a")} hands out "a" once; {@code get()} returns "a", and an {@code add("a")}
 * before {@code done("a")} makes the next {@code get()} return "a" again, after {@code done}.
 *
 * <p>Its lock is a leaf: held only inside these methods, which call nothing outside; an informer's handler
 * may add keys.
 */
public final class WorkQueue {

    private record Later(long dueNanos, String key) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    /** Keys queued, or to be queued again once done. */
    private final Set<String> dirty = new HashSet<>();
    private final Set<String> processing = new HashSet<>();
    /** Keys to queue later, earliest first; {@link #laterDue} holds each one's time (one entry per key). */
    private final TreeSet<Later> later = new TreeSet<>(Comparator.comparingLong(Later::dueNanos)
            .thenComparing(Later::key));
    private final Map<String, Long> laterDue = new HashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final Duration firstRetry;
    private final Duration maxRetry;
    private boolean shutDown;

    public WorkQueue(Duration firstRetry, Duration maxRetry) {
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
    }

    public void add(String key) {
        lock.lock();
        try {
            addLocked(key);
        } finally {
            lock.unlock();
        }
    }

    public void addAfter(String key, Duration delay) {
        lock.lock();
        try {
            if (shutDown) {
                return;
            }
            if (!delay.isPositive()) {
                addLocked(key);
                return;
            }
            long due = System.nanoTime() + delay.toNanos();
            Long known = laterDue.get(key);
            if (known != null) {
                if (due - known >= 0) {
                    return; // kube's delaying queue: one entry per key, at its earliest time
                }
                later.remove(new Later(known, key));
            }
            later.add(new Later(due, key));
            laterDue.put(key, due);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Queues the key after its next wait: {@code firstRetry}, doubled for each failure before, at most {@code maxRetry}. */
    public void addRateLimited(String key) {
        Duration wait;
        lock.lock();
        try {
            int n = failures.merge(key, 1, Integer::sum);
            long millis = firstRetry.toMillis() << Math.min(n - 1, 20);
            wait = Duration.ofMillis(Math.min(millis, maxRetry.toMillis()));
        } finally {
            lock.unlock();
        }
        addAfter(key, wait);
    }

    /** The key's failures are over: its next rate-limited add waits {@code firstRetry} again. */
    public void forget(String key) {
        lock.lock();
        try {
            failures.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** The next key to reconcile, waiting for one; null once {@link #shutDown}. */
    String get() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (shutDown) {
                    return null;
                }
                long now = System.nanoTime();
                while (!later.isEmpty() && now - later.first().dueNanos() >= 0) {
                    String due = later.pollFirst().key();
                    laterDue.remove(due);
                    addLocked(due);
                }
                String key = queue.poll();
                if (key != null) {
                    dirty.remove(key);
                    processing.add(key);
                    return key;
                }
                if (later.isEmpty()) {
                    changed.await();
                } else {
                    changed.awaitNanos(later.first().dueNanos() - now);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The worker is done with the key; if it was added meanwhile, it is queued again. */
    void done(String key) {
        lock.lock();
        try {
            processing.remove(key);
            if (dirty.contains(key) && !shutDown) {
                queue.add(key);
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Hands out nothing more: every {@link #get} returns null. */
    void shutDown() {
        lock.lock();
        try {
            shutDown = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void addLocked(String key) {
        if (shutDown || !dirty.add(key)) {
            return;
        }
        if (!processing.contains(key)) {
            queue.add(key);
            changed.signal();
        }
    }

    /** For tests: queued keys, waiting ones not counted. */
    public int length() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }
}
