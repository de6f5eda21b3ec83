package dev.kapi.apiserver.storage.cacher;

import dev.kapi.apiserver.storage.WatchEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The watch cache's recent changes: a ring of {@link WatchEvent}s in revision order, sized like kube's
 * watchCache. A full ring doubles (up to {@code max}) while its oldest event is younger than
 * {@code freshNanos}, and halves (down to {@code min}) while even the newest quarter is older; otherwise the
 * oldest event makes room. {@link #startRevision} is the revision after which every change is held, so a
 * watch from R can be served from here exactly when {@code R >= startRevision()}.
 *
 * <p>Example: primed at 100 (start 100), then events 101..105 in a ring of 4: 101 is dropped, start becomes
 * 101, and a watch from 101 is served (102..105) while a watch from 100 is not.
 *
 * <p>Not thread safe: the {@link WatchCache}'s lock guards it.
 */
final class EventHistory {

    private final int min;
    private final int max;
    private final long freshNanos;
    private WatchEvent[] events;
    private long[] times;
    private int start;
    private int size;
    private long startRevision;

    EventHistory(int min, int max, long freshNanos) {
        this.min = min;
        this.max = max;
        this.freshNanos = freshNanos;
        this.events = new WatchEvent[min];
        this.times = new long[min];
    }

    /** Empties the ring: every change after {@code revision} will be held. */
    void reset(long revision) {
        events = new WatchEvent[min];
        times = new long[min];
        start = 0;
        size = 0;
        startRevision = revision;
    }

    /** Appends a change (revisions increase) received at {@code nowNanos}. */
    void add(WatchEvent event, long nowNanos) {
        if (size == events.length) {
            resize(nowNanos);
        }
        if (size == events.length) {
            startRevision = events[start].revision();
            events[start] = null;
            start = (start + 1) % events.length;
            size--;
        }
        int end = (start + size) % events.length;
        events[end] = event;
        times[end] = nowNanos;
        size++;
    }

    private void resize(long nowNanos) {
        int capacity = events.length;
        if (nowNanos - times[start] < freshNanos) {
            if (capacity < max) {
                copyTo(Math.min(capacity * 2, max));
            }
            return;
        }
        int newestQuarter = (start + size - Math.max(1, capacity / 4)) % capacity;
        if (nowNanos - times[newestQuarter] > freshNanos && capacity > min) {
            copyTo(Math.max(capacity / 2, min));
        }
    }

    /** Moves the newest events (as many as fit) into a ring of {@code capacity}. */
    private void copyTo(int capacity) {
        int keep = Math.min(size, capacity);
        int drop = size - keep;
        if (drop > 0) {
            startRevision = at(drop - 1).revision();
        }
        WatchEvent[] newEvents = new WatchEvent[capacity];
        long[] newTimes = new long[capacity];
        for (int i = 0; i < keep; i++) {
            int from = (start + drop + i) % events.length;
            newEvents[i] = events[from];
            newTimes[i] = times[from];
        }
        events = newEvents;
        times = newTimes;
        start = 0;
        size = keep;
    }

    private WatchEvent at(int i) {
        return events[(start + i) % events.length];
    }

    /** The revision after which every change is held. */
    long startRevision() {
        return startRevision;
    }

    int size() {
        return size;
    }

    int capacity() {
        return events.length;
    }

    /**
     * The held changes after {@code from} of the keys under {@code prefixOrKey} (a prefix ends in {@code /}),
     * in revision order; {@code from} must be at least {@link #startRevision}.
     */
    List<WatchEvent> after(long from, String prefixOrKey) {
        boolean prefix = prefixOrKey.endsWith("/");
        List<WatchEvent> out = new ArrayList<>();
        int first = firstAfter(from);
        for (int i = first; i < size; i++) {
            WatchEvent event = at(i);
            String key = event.current().key();
            if (prefix ? key.startsWith(prefixOrKey) : key.equals(prefixOrKey)) {
                out.add(event);
            }
        }
        return out;
    }

    /** The index of the first event with a revision above {@code from} (binary search). */
    private int firstAfter(long from) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (at(mid).revision() <= from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
