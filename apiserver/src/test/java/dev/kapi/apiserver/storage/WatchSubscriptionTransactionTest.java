package dev.kapi.apiserver.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several changes of one revision (an etcd transaction that wrote several keys) each reach a watch once: live, from
 * history while catching up, and from the buffer when joining; none twice, and none of a revision the watch
 * started after.
 */
class WatchSubscriptionTransactionTest {

    private static final String PREFIX = "/registry/configmaps/";

    private final WatchFanOut fanOut = new WatchFanOut("subscription-test", Duration.ofMinutes(1), 1000, "closed", 5);

    @AfterEach
    void close() {
        fanOut.close();
    }

    @Test
    void aLiveWatchGetsEveryKeyOfARevisionOnce() {
        WatchRecorder watch = register(5);
        fanOut.publish(change("a", 9));
        fanOut.publish(change("b", 9));
        fanOut.publish(change("a", 9)); // the same change again (e.g. a reopened stream)
        fanOut.publish(change("c", 9));
        fanOut.publish(change("e", 10));
        assertThat(watch.summary()).containsExactly("ADDED a=9", "ADDED b=9", "ADDED c=9", "ADDED e=10");
    }

    @Test
    void aCatchingUpWatchGetsEveryKeyOfARevisionOnceFromHistoryAndBuffer() {
        fanOut.publish(change("x", 8));
        WatchRecorder watch = new WatchRecorder();
        WatchSubscription subscription = fanOut.register(PREFIX, 6, false, watch, () -> { }); // joins at 8
        fanOut.publish(change("a", 9)); // live while catching up: buffered
        fanOut.publish(change("b", 9));
        assertThat(subscription.offerHistory(change("p", 7))).isFalse();
        assertThat(subscription.offerHistory(change("q", 7))).isFalse();
        assertThat(subscription.offerHistory(change("q", 7))).isFalse(); // read twice: delivered once
        assertThat(subscription.offerHistory(change("x", 8))).isFalse();
        assertThat(subscription.offerHistory(change("a", 9))).isTrue(); // past the join revision
        subscription.joinLive();
        fanOut.publish(change("c", 9));
        assertThat(watch.summary()).containsExactly("ADDED p=7", "ADDED q=7", "ADDED x=8", "ADDED a=9", "ADDED b=9",
                "ADDED c=9");
    }

    @Test
    void aWatchFromARevisionGetsNoneOfIt() {
        WatchRecorder watch = register(5);
        fanOut.moveTo(9);
        WatchRecorder later = register(9);
        fanOut.publish(change("a", 9));
        fanOut.publish(change("b", 10));
        assertThat(later.summary()).containsExactly("ADDED b=10");
        assertThat(watch.summary()).containsExactly("ADDED a=9", "ADDED b=10");
    }

    @Test
    void aWatchWhoseKeysEndedARevisionEarlyHearsProgressAtIt() {
        WatchRecorder listening = new WatchRecorder();
        fanOut.register(PREFIX, 5, true, listening, () -> { });
        WatchRecorder plain = register(5);
        fanOut.publish(followed(change("a", 9))); // the rest of revision 9 is another resource's
        fanOut.publish(new WatchEvent(WatchEvent.Type.ADDED, new KeyValue("/registry/secrets/s",
                new byte[0], 9, 9), null, 9, null));
        fanOut.revisionsEnded();
        assertThat(listening.events()).extracting(WatchEvent::type, WatchEvent::revision).containsExactly(
                tuple(WatchEvent.Type.ADDED, 9L),
                tuple(WatchEvent.Type.PROGRESS, 9L));
        assertThat(plain.events()).hasSize(1); // a watch that does not hear progress gets none
        fanOut.revisionsEnded();
        assertThat(listening.events()).hasSize(2); // once
    }

    private static WatchEvent followed(WatchEvent event) {
        return new WatchEvent(event.type(), event.current(), event.previous(), event.revision(), null, true);
    }

    private WatchRecorder register(long from) {
        WatchRecorder recorder = new WatchRecorder();
        fanOut.register(PREFIX, from, false, recorder, () -> { });
        return recorder;
    }

    private static WatchEvent change(String name, long revision) {
        KeyValue kv = new KeyValue(PREFIX + name, Long.toString(revision).getBytes(UTF_8), revision, revision);
        return new WatchEvent(WatchEvent.Type.ADDED, kv, null, revision, null);
    }
}
