package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.UserInfo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kube's buffered audit backend: events go out in batches of at most the max size, a batch leaves when full or
 * when the max wait has passed, a full queue drops events without holding up the request, throttling spaces the
 * batches, and closing sends what is still queued and waits for the sends under way.
 */
class BatchBackendTest {

    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    final java.util.Map<String, Long> errors = new java.util.concurrent.ConcurrentHashMap<>();
    final AuditMetrics metrics = new AuditMetrics() {
        @Override
        public void pluginError(String plugin, long events) {
            errors.merge(plugin, events, Long::sum);
        }
    };

    static AuditEvent event(String id) {
        return new AuditEvent(Level.Metadata, id, "/api/v1/namespaces/default/configmaps", "create",
                new UserInfo("alice", "", List.of(), Map.of()), List.of("127.0.0.1"), "kubectl", null, Instant.now());
    }

    EventSender recording() {
        return events -> batches.add(events.stream().map(e -> Json.MAPPER.readTree(e).path("auditID").asString())
                .toList());
    }

    static BatchBackend.Options options(int buffer, int maxSize, Duration maxWait, double qps, int burst,
                                        boolean async) {
        return new BatchBackend.Options(buffer, maxSize, maxWait, qps, burst, async);
    }

    @Test
    void fullBatchesLeaveAtOnceAndClosingSendsTheRest() {
        BatchBackend backend = new BatchBackend("webhook", 0, recording(),
                options(100, 3, Duration.ofHours(1), 0, 0, true), Duration.ofSeconds(10), metrics);
        for (int i = 1; i <= 7; i++) {
            assertThat(backend.process(event("e" + i))).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 2);
        assertThat(batches).containsExactlyInAnyOrder(List.of("e1", "e2", "e3"), List.of("e4", "e5", "e6"));
        backend.close();
        assertThat(batches).hasSize(3).contains(List.of("e7"));
        assertThat(backend.process(event("late"))).as("an event after the close is dropped, not a failure").isTrue();
        assertThat(batches).hasSize(3);
        assertThat(errors).containsExactly(java.util.Map.entry("buffered", 1L));
    }

    @Test
    void aBatchLeavesWhenTheMaxWaitHasPassed() {
        try (BatchBackend backend = new BatchBackend("webhook", 0, recording(),
                options(100, 400, Duration.ofMillis(200), 0, 0, true), Duration.ofSeconds(10), metrics)) {
            backend.process(event("a"));
            backend.process(event("b"));
            await().atMost(Duration.ofSeconds(5)).until(() -> !batches.isEmpty());
            assertThat(batches.stream().flatMap(List::stream).toList()).containsExactly("a", "b");
        }
    }

    @Test
    void aNegativeMaxWaitIsNoWaitAndAHugeOneNeverFiresEarly() {
        try (BatchBackend negative = new BatchBackend("log", 0, recording(),
                options(100, 400, Duration.ofSeconds(-1), 0, 0, false), Duration.ofSeconds(10), metrics)) {
            negative.process(event("now"));
            await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 1);
        }
        batches.clear();
        BatchBackend huge = new BatchBackend("webhook", 0, recording(),
                options(100, 400, Duration.ofSeconds(Long.MAX_VALUE), 0, 0, true), Duration.ofSeconds(10), metrics);
        huge.process(event("later"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(batches::isEmpty);
        huge.close();
        assertThat(batches).containsExactly(List.of("later"));
    }

    @Test
    void aFullQueueDropsEventsWithoutHoldingUpTheRequest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        EventSender stuck = events -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            recording().send(events);
        };
        // the log's way: sends on the collecting thread, so a stuck sender leaves the queue to fill
        BatchBackend backend = new BatchBackend("log", 0, stuck, options(5, 1, Duration.ZERO, 0, 0, false),
                Duration.ofSeconds(10), metrics);
        long start = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            assertThat(backend.process(event("e" + i))).isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        release.countDown();
        backend.close();
        List<String> sent = batches.stream().flatMap(List::stream).toList();
        assertThat(sent).as("the one being sent and the five queued; the rest dropped")
                .hasSizeBetween(5, 7).startsWith("e0");
        assertThat(batches).allSatisfy(b -> assertThat(b).hasSize(1));
        assertThat(errors).as("each dropped event counted for apiserver_audit_error_total")
                .containsExactly(java.util.Map.entry("buffered", 50L - sent.size()));
    }

    @Test
    void throttlingSpacesTheBatches() {
        long start = System.nanoTime();
        try (BatchBackend backend = new BatchBackend("webhook", 0, recording(),
                options(100, 1, Duration.ofHours(1), 10, 1, true), Duration.ofSeconds(10), metrics)) {
            for (int i = 0; i < 6; i++) {
                backend.process(event("e" + i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 6);
        }
        // a bucket of one token refilled at 10 a second: the first batch at once, five more 100 ms apart
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
    }

    @Test
    void closingWaitsForTheSendsUnderWay() {
        EventSender slow = events -> {
            try {
                TimeUnit.MILLISECONDS.sleep(300);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            recording().send(events);
        };
        BatchBackend backend = new BatchBackend("webhook", 0, slow, options(100, 2, Duration.ofHours(1), 0, 0, true),
                Duration.ofSeconds(10), metrics);
        for (int i = 0; i < 5; i++) {
            backend.process(event("e" + i));
        }
        backend.close();
        assertThat(batches.stream().flatMap(List::stream).toList()).containsExactlyInAnyOrder("e0", "e1", "e2", "e3", "e4");
    }

    @Test
    void aFailedSendIsDroppedAndTheBackendGoesOn() {
        List<Integer> tries = new CopyOnWriteArrayList<>();
        EventSender failingOnce = events -> {
            tries.add(events.size());
            if (tries.size() == 1) {
                throw new IOException("Post \"https://audit\": connection refused");
            }
            recording().send(events);
        };
        try (BatchBackend backend = new BatchBackend("webhook", 0, failingOnce,
                options(100, 1, Duration.ofHours(1), 0, 0, false), Duration.ofSeconds(10), metrics)) {
            backend.process(event("lost"));
            backend.process(event("kept"));
            await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 1);
        }
        assertThat(batches).containsExactly(List.of("kept"));
        assertThat(errors).containsExactly(java.util.Map.entry("webhook", 1L));
    }
}
