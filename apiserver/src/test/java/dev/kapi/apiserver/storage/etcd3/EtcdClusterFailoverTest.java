package dev.kapi.apiserver.storage.etcd3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchRecorder;
import dev.kapi.apiserver.testing.EtcdCluster;
import dev.kapi.apiserver.testing.EtcdExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One client on a 3-member etcd cluster, given every member's URL: when the member it talks to is killed
 * (SIGKILL), and then the leader, calls go on through the others within one call timeout, and its watch
 * sees every change.
 */
class EtcdClusterFailoverTest {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void callsAndWatchesGoOnWhenTheMemberInUseAndThenTheLeaderAreKilled() {
        try (EtcdCluster cluster = EtcdCluster.start(3);
             EtcdStorage storage = EtcdStorage.connect(cluster.endpoints(), CALL_TIMEOUT, Duration.ofSeconds(1))) {
            String prefix = EtcdExtension.randomPrefix() + "/";
            long from = storage.create(prefix + "before", "0".getBytes()).modRevision();
            WatchRecorder recorder = new WatchRecorder();
            try (WatchHandle ignored = storage.watch(prefix, WatchOptions.from(from), recorder)) {
                // the client picks the first URL: member 0
                cluster.member(0).kill();
                Duration took = createEventually(storage, prefix + "after-first-kill", "1");
                System.out.printf("the write after killing member 0 took %d ms%n", took.toMillis());
                assertThat(took).as("the client moved to another member at once").isLessThan(CALL_TIMEOUT);

                int leader = cluster.leader();
                assertThat(leader).isNotEqualTo(-1);
                cluster.member(0).ensureRunning();
                cluster.member(0).awaitHealthy();
                cluster.member(leader).kill();
                took = createEventually(storage, prefix + "after-leader-kill", "2");
                System.out.printf("the write after killing the leader (member %d) took %d ms%n", leader,
                        took.toMillis());
                assertThat(new String(storage.get(prefix + "after-first-kill").value())).isEqualTo("1");
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(recorder.summary())
                        .containsExactly("ADDED after-first-kill=1", "ADDED after-leader-kill=2"));
                cluster.member(leader).ensureRunning();
            }
        }
    }

    /**
     * Creates {@code key} as a client would: a call that fails because etcd could not commit it (a leader
     * election: "request timed out", "leader changed") is tried again; KEY_EXISTS on a later try means an
     * earlier one was committed after all. Returns how long it took, at most 3 call timeouts.
     */
    private static Duration createEventually(EtcdStorage storage, String key, String value) {
        long t0 = System.nanoTime();
        boolean tried = false;
        while (true) {
            try {
                storage.create(key, value.getBytes());
                return Duration.ofNanos(System.nanoTime() - t0);
            } catch (StorageException e) {
                if (tried && e.code() == StorageException.Code.KEY_EXISTS) {
                    assertThat(new String(storage.get(key).value())).isEqualTo(value);
                    return Duration.ofNanos(System.nanoTime() - t0);
                }
                assertThat(e.code()).as(e.toString()).isEqualTo(StorageException.Code.UNREACHABLE);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(CALL_TIMEOUT.multipliedBy(3));
                System.out.println("retrying after: " + e.getMessage());
                tried = true;
            }
        }
    }
}
