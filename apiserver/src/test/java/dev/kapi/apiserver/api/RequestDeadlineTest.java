package dev.kapi.apiserver.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A request's deadline bounds waits on its own thread and on threads it hands work to, never on others. */
class RequestDeadlineTest {

    private static final Duration LONG = Duration.ofMinutes(10);

    @Test
    void boundsWaitsOnlyWhileEntered() {
        assertThat(RequestDeadline.bound(LONG)).isEqualTo(LONG);
        try (RequestDeadline.Scope ignored = RequestDeadline.enter(Duration.ofSeconds(5))) {
            assertThat(RequestDeadline.bound(LONG)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(5));
            assertThat(RequestDeadline.bound(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
            try (RequestDeadline.Scope inner = RequestDeadline.enter(Duration.ZERO)) {
                assertThat(RequestDeadline.bound(LONG)).isZero();
            }
            assertThat(RequestDeadline.bound(LONG)).isGreaterThan(Duration.ofSeconds(4));
        }
        assertThat(RequestDeadline.bound(LONG)).isEqualTo(LONG);
    }

    @Test
    void handsItsDeadlineOnlyToTasksItPropagates() throws Exception {
        AtomicReference<Duration> propagated = new AtomicReference<>();
        AtomicReference<Duration> started = new AtomicReference<>();
        Runnable task;
        Thread plain;
        try (RequestDeadline.Scope ignored = RequestDeadline.enter(Duration.ofSeconds(5))) {
            task = RequestDeadline.propagated(() -> propagated.set(RequestDeadline.bound(LONG)));
            plain = Thread.ofVirtual().start(() -> started.set(RequestDeadline.bound(LONG)));
        }
        Thread.ofVirtual().start(task).join();
        plain.join();
        assertThat(propagated.get()).isLessThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(started.get()).as("not inherited").isEqualTo(LONG);
        assertThat(RequestDeadline.propagated(task)).isSameAs(task);
    }
}
