package dev.kapi.apiserver.storage.cacher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchEvent.Type;
import dev.kapi.apiserver.storage.WatchFanOut;
import dev.kapi.apiserver.storage.WatchRecorder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A revision that changed several keys (one etcd transaction) is applied whole: the cache's revision, which a
 * consistent read waits for, reaches it only with its last change, or with a later event or progress when the rest
 * of it lies outside the cache's prefix.
 */
class WatchCacheTransactionTest {

    private static final String PREFIX = "/registry/configmaps/";

    private final WatchFanOut fanOut = new WatchFanOut("watch-cache-test", Duration.ofMinutes(1), 1000, "closed", 0);
    private final WatchCache cache = new WatchCache(PREFIX, CacherOptions.DEFAULTS, fanOut);

    @AfterEach
    void close() {
        fanOut.close();
    }

    @Test
    void aRevisionCountsAsReachedOnlyWithItsLastChange() {
        cache.reset(List.of(entry("a", "a0", 3), entry("b", "b0", 4)), 5);
        WatchRecorder watch = watchFrom(5);
        cache.apply(modified("a", "a1", 9, true));
        cache.apply(modified("b", "b1", 9, true));
        assertThat(cache.revision()).isEqualTo(5);
        assertThat(value("a")).isEqualTo("a0");
        assertThat(watch.changes()).isEmpty();

        cache.apply(added("c", "c1", 9, false));
        assertThat(cache.revision()).isEqualTo(9);
        assertThat(List.of(value("a"), value("b"), value("c"))).containsExactly("a1", "b1", "c1");
        assertThat(watch.summary()).containsExactly("MODIFIED a=a1", "MODIFIED b=b1", "ADDED c=c1");
        assertThat(watch.revisions()).containsOnly(9L);

        cache.apply(modified("b", "b1", 9, false)); // a duplicate of an applied revision
        assertThat(watch.changes()).hasSize(3);
    }

    @Test
    void theRestOfARevisionOutsideThePrefixIsPassedByTheNextEventOrProgress() {
        cache.reset(List.of(), 5);
        WatchRecorder watch = watchFrom(5);
        cache.apply(added("a", "a1", 7, true)); // its sibling was a Secret
        assertThat(cache.revision()).isEqualTo(5);
        cache.apply(added("b", "b1", 8, false));
        assertThat(cache.revision()).isEqualTo(8);
        assertThat(watch.revisions()).containsExactly(7L, 8L);

        cache.apply(added("c", "c1", 10, true));
        cache.progress(10);
        assertThat(cache.revision()).isEqualTo(10);
        assertThat(value("c")).isEqualTo("c1");
        assertThat(watch.summary()).containsExactly("ADDED a=a1", "ADDED b=b1", "ADDED c=c1");
    }

    @Test
    void aFreshListDropsAPartOfARevisionItAlreadyHolds() {
        cache.reset(List.of(), 5);
        cache.apply(added("a", "a1", 7, true));
        cache.reset(List.of(entry("a", "a1", 7), entry("b", "b1", 7)), 7);
        cache.apply(added("c", "c1", 8, false));
        assertThat(cache.revision()).isEqualTo(8);
        assertThat(List.of(value("a"), value("b"), value("c"))).containsExactly("a1", "b1", "c1");
    }

    private WatchRecorder watchFrom(long revision) {
        WatchRecorder recorder = new WatchRecorder();
        fanOut.register(PREFIX, revision, false, recorder, () -> { });
        return recorder;
    }

    private String value(String name) {
        return new String(cache.get(PREFIX + name).value(), UTF_8);
    }

    private static KeyValue entry(String name, String value, long revision) {
        return new KeyValue(PREFIX + name, value.getBytes(UTF_8), revision, revision);
    }

    private static WatchEvent added(String name, String value, long revision, boolean more) {
        return new WatchEvent(Type.ADDED, entry(name, value, revision), null, revision, null, more);
    }

    private static WatchEvent modified(String name, String value, long revision, boolean more) {
        return new WatchEvent(Type.MODIFIED, entry(name, value, revision), null, revision, null, more);
    }
}
