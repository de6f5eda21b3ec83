package dev.kapi.apiserver.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread-safe, fixed-capacity collection of latency samples in nanoseconds (samples past the capacity
 * are counted but dropped) with percentiles in milliseconds.
 */
final class Latencies {

    private final long[] samples;
    private final AtomicInteger next = new AtomicInteger();

    Latencies(int capacity) {
        this.samples = new long[capacity];
    }

    void add(long nanos) {
        int i = next.getAndIncrement();
        if (i < samples.length) {
            samples[i] = nanos;
        }
    }

    /** Adds every sample {@code other} kept (as far as this one has room). */
    void addAll(Latencies other) {
        for (long nanos : other.sorted()) {
            add(nanos);
        }
    }

    /** How many samples were added (including dropped ones). */
    int count() {
        return next.get();
    }

    /** The {@code p}-th percentile (0..100) in milliseconds, NaN when empty. */
    double percentileMillis(double p) {
        long[] sorted = sorted();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
    }

    double maxMillis() {
        long[] sorted = sorted();
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
    }

    private long[] sorted() {
        long[] copy = Arrays.copyOf(samples, Math.min(samples.length, next.get()));
        Arrays.sort(copy);
        return copy;
    }
}
