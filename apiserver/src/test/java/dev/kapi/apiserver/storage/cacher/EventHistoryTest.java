package dev.kapi.apiserver.storage.cacher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchEvent.Type;
import org.junit.jupiter.api.Test;

/** The history ring's sizing (kube's watchCache rules) and its window, on a clock the test moves. */
class EventHistoryTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long FRESH = 75 * SECOND;

    private static WatchEvent event(String key, long revision) {
        return new WatchEvent(Type.ADDED, new KeyValue(key, new byte[0], revision, revision), null, revision, null);
    }

    @Test
    void aFullRingOfFreshEventsDoublesUpToItsMaximum() {
        EventHistory history = new EventHistory(4, 16, FRESH);
        history.reset(100);
        for (long r = 101; r <= 120; r++) {
            history.add(event("/p/a", r), r * SECOND / 100); // all within a second: fresh
        }
        assertThat(history.capacity()).isEqualTo(16);
        assertThat(history.size()).isEqualTo(16);
        assertThat(history.startRevision()).isEqualTo(104); // 101..104 made room at the maximum
        assertThat(history.after(104, "/p/")).extracting(WatchEvent::revision).first().isEqualTo(105L);
    }

    @Test
    void aFullRingOfOldEventsMakesRoomByDroppingTheOldest() {
        EventHistory history = new EventHistory(4, 16, FRESH);
        history.reset(0);
        for (long r = 1; r <= 6; r++) {
            history.add(event("/p/a", r), r * 100 * SECOND); // 100 s apart: never fresh
        }
        assertThat(history.capacity()).isEqualTo(4);
        assertThat(history.startRevision()).isEqualTo(2);
        assertThat(history.after(2, "/p/")).extracting(WatchEvent::revision).containsExactly(3L, 4L, 5L, 6L);
    }

    @Test
    void aFullRingWhoseNewestQuarterIsStaleHalves() {
        EventHistory history = new EventHistory(4, 16, FRESH);
        history.reset(0);
        for (long r = 1; r <= 16; r++) {
            history.add(event("/p/a", r), r); // a burst: grows to 16
        }
        assertThat(history.capacity()).isEqualTo(16);
        history.add(event("/p/a", 17), 1000 * SECOND); // long after: even the newest quarter is stale
        assertThat(history.capacity()).isEqualTo(8);
        assertThat(history.size()).isEqualTo(8);
        assertThat(history.startRevision()).isEqualTo(9);
        assertThat(history.after(9, "/p/")).extracting(WatchEvent::revision)
                .containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L);
    }

    @Test
    void afterSelectsAPrefixOrOneKey() {
        EventHistory history = new EventHistory(8, 8, FRESH);
        history.reset(0);
        history.add(event("/p/a/x", 1), 0);
        history.add(event("/p/ab/y", 2), 0);
        history.add(event("/p/a", 3), 0);
        history.add(event("/p/a/z", 4), 0);
        assertThat(history.after(0, "/p/a/")).extracting(WatchEvent::revision).containsExactly(1L, 4L);
        assertThat(history.after(1, "/p/a/")).extracting(WatchEvent::revision).containsExactly(4L);
        assertThat(history.after(0, "/p/a")).extracting(WatchEvent::revision).containsExactly(3L);
    }
}
