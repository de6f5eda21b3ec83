package dev.kapi.apiserver.controllers;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controllers' work queue: a key queued once however often added, handed out again after {@code done} when
 * added meanwhile; {@code addAfter} keeps one entry per key at its earliest time, and hands keys out in the order
 * they fall due, also with thousands waiting.
 */
class WorkQueueTest {

    private final WorkQueue queue = new WorkQueue(Duration.ofMillis(10), Duration.ofSeconds(1));

    @Test
    void aKeyAddedTwiceIsHandedOutOnceAndAgainAfterDoneWhenAddedMeanwhile() throws InterruptedException {
        queue.add("a");
        queue.add("a");
        queue.add("b");
        assertThat(queue.length()).isEqualTo(2);
        assertThat(queue.get()).isEqualTo("a");
        queue.add("a"); // while a worker has it
        assertThat(queue.get()).isEqualTo("b");
        assertThat(queue.length()).isZero();
        queue.done("a");
        assertThat(queue.get()).isEqualTo("a");
    }

    @Test
    void anEarlierAddAfterReplacesALaterOneAndALaterOneIsIgnored() throws InterruptedException {
        queue.addAfter("x", Duration.ofHours(1));
        queue.addAfter("y", Duration.ofMillis(300));
        queue.addAfter("x", Duration.ofMillis(50)); // earlier: replaces the hour
        queue.addAfter("y", Duration.ofHours(1)); // later: the 300 ms stay
        long start = System.nanoTime();
        assertThat(queue.get()).isEqualTo("x");
        assertThat(queue.get()).isEqualTo("y");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(1));
        queue.done("x");
        queue.done("y");
        queue.addAfter("z", Duration.ZERO);
        assertThat(queue.get()).as("neither x nor y is still waiting").isEqualTo("z");
    }

    @Test
    void thousandsOfWaitingKeysComeOutOnceEachInTheOrderTheyFallDue() throws InterruptedException {
        int n = 20_000;
        for (int i = 0; i < n; i++) { // each later than the one before
            queue.addAfter("k" + i, Duration.ofMillis(200 + i / 100));
        }
        for (int i = 0; i < n; i++) {
            queue.addAfter("k" + i, Duration.ofHours(1)); // kept at the earlier time
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = queue.get();
            out.add(key);
            queue.done(key);
        }
        assertThat(out).doesNotHaveDuplicates().hasSize(n);
        for (int i = 1; i < n; i++) {
            int before = Integer.parseInt(out.get(i - 1).substring(1)) / 100;
            assertThat(Integer.parseInt(out.get(i).substring(1)) / 100).isGreaterThanOrEqualTo(before);
        }
        queue.addAfter("last", Duration.ZERO);
        assertThat(queue.get()).isEqualTo("last");
    }
}
