package dev.kapi.apiserver.storage.cacher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchRecorder;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The watch cache on a real etcd, where the revision is store-wide: a consistent read of a quiet resource
 * catches up through a progress request (etcd's own progress notifications are minutes apart; before etcd
 * 3.4.31 the etcd hub answers it with what its watch of the whole keyspace delivered instead of asking
 * etcd), a write outside the watched prefix is passed as well (before 3.4.31 by a barrier write), and reads
 * racing writes made around the cache always see every acknowledged write.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CacherEtcdTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private EtcdStorage etcd;

    @BeforeAll
    void connect() {
        // progress ticks far apart: only a progress request can bring a quiet cache up to date in time
        etcd = EtcdStorage.connect(EtcdExtension.endpoints(), Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    @AfterAll
    void disconnect() {
        etcd.close();
    }

    private Cacher cacher(String prefix) {
        Cacher cacher = new Cacher(etcd, prefix, CacherOptions.DEFAULTS.withConsistentReadWait(Duration.ofSeconds(3)));
        await().atMost(WAIT).until(() -> cacher.stats().ready());
        return cacher;
    }

    @Test
    void aConsistentReadOfAQuietResourceCatchesUpByAProgressRequest() {
        String root = EtcdExtension.randomPrefix();
        String prefix = root + "/pods/";
        etcd.create(prefix + "ns/a", "{}".getBytes(UTF_8));
        try (Cacher cacher = cacher(prefix)) {
            long written = 0;
            for (int i = 0; i < 5; i++) {
                written = etcd.create(root + "/configmaps/ns/c" + i, "{}".getBytes(UTF_8)) // moves etcd's revision only
                        .modRevision();
                long started = System.nanoTime();
                assertThat(cacher.get(prefix + "ns/a").value()).isEqualTo("{}".getBytes(UTF_8));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
            }
            if (etcd.answersProgressRequests()) {
                assertThat(cacher.stats().consistentReadsFromCache()).isEqualTo(5);
                assertThat(cacher.stats().consistentReadsFallback()).isZero();
            } else {
                // etcd before 3.4.31 is not asked for progress (README): the cache learns the revision from the
                // storage's own watch of the root, and a read that finds it behind for longer than the short
                // unconfirmed wait reads etcd instead (a loaded machine); either way it is right
                assertThat(cacher.stats().consistentReadsFromCache() + cacher.stats().consistentReadsFallback())
                        .isEqualTo(5);
            }
            // the cache passes the last write through progress answers, which consistent reads ask for (not
            // etcd's current revision: other test classes write to the same etcd all the while)
            long last = written;
            await().atMost(WAIT).until(() -> {
                cacher.get(prefix + "ns/a");
                return cacher.stats().revision() >= last;
            });
        }
    }

    @Test
    void aWriteOutsideTheWatchedPrefixIsPassedWithoutAWriteUnderIt() {
        String root = EtcdExtension.randomPrefix();
        String prefix = root + "/pods/";
        try (EtcdStorage scoped = EtcdStorage.connect(EtcdExtension.endpoints(), root + "/")) {
            scoped.create(prefix + "ns/a", "{}".getBytes(UTF_8));
            try (Cacher cacher = new Cacher(scoped, prefix, CacherOptions.DEFAULTS)) {
                await().atMost(WAIT).until(() -> cacher.stats().ready());
                long outside = etcd.create(EtcdExtension.randomPrefix() + "/elsewhere", "{}".getBytes(UTF_8))
                        .modRevision(); // unseen by scoped's watch
                long started = System.nanoTime();
                assertThat(cacher.get(prefix + "ns/a").value()).isEqualTo("{}".getBytes(UTF_8));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
                if (scoped.answersProgressRequests()) {
                    // etcd answers with its current revision: the cache catches up and answers itself
                    assertThat(cacher.stats().consistentReadsFromCache()).isEqualTo(1);
                } else {
                    // etcd before 3.4.31, not asked for progress: the hub's answer passes the write once a barrier
                    // written for the waiting read came back on the stream (EtcdProgressBarrier); a read whose cache
                    // stood still for the short unconfirmed wait meanwhile (a loaded machine) read etcd instead
                    assertThat(cacher.stats().consistentReadsFromCache() + cacher.stats().consistentReadsFallback())
                            .isEqualTo(1);
                }
                // nothing is written under the prefix, yet the cache passes the write outside it and reads from memory
                await().atMost(WAIT).until(() -> {
                    cacher.get(prefix + "ns/a");
                    return cacher.stats().revision() >= outside;
                });
                assertThat(cacher.stats().consistentReadsFromCache()).isPositive();
            }
        }
    }

    @Test
    void readsRacingWritesSeeEveryAcknowledgedWrite() throws Exception {
        String prefix = EtcdExtension.randomPrefix() + "/configmaps/";
        etcd.create(prefix + "ns/counter", "0".getBytes(UTF_8));
        try (Cacher cacher = cacher(prefix)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> checks = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    checks.add(pool.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            // a write acknowledged (by etcd, around the cache), then a read that starts after it
                            KeyValue written = etcd.guaranteedUpdate(prefix + "ns/counter", Preconditions.NONE, false,
                                    c -> String.valueOf(Integer.parseInt(new String(c.value(), UTF_8)) + 1)
                                            .getBytes(UTF_8));
                            assertThat(cacher.get(prefix + "ns/counter").modRevision())
                                    .isGreaterThanOrEqualTo(written.modRevision());
                            assertThat(cacher.list(prefix, ListOptions.ALL).items().getFirst().modRevision())
                                    .isGreaterThanOrEqualTo(written.modRevision());
                        }
                        return null;
                    }));
                }
                for (Future<?> check : checks) {
                    check.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(new String(cacher.get(prefix + "ns/counter").value(), UTF_8)).isEqualTo("100");
            assertThat(cacher.stats().consistentReadsFallback()).isZero();
            assertThat(cacher.stats().consistentReadsFromCache()).isEqualTo(201);
        }
    }

    @Test
    void aTransactionOfSeveralKeysReachesWatchesAndTheCacheWhole() throws Exception {
        String root = EtcdExtension.randomPrefix();
        String prefix = root + "/configmaps/";
        for (String name : List.of("a", "b", "c")) {
            etcd.create(prefix + "ns/" + name, (name + "0").getBytes(UTF_8));
        }
        List<String> expected = List.of("MODIFIED a=a1", "MODIFIED b=b1", "DELETED c=c0");
        try (Cacher cacher = cacher(prefix);
             Client raw = Client.builder().endpoints(EtcdExtension.endpoints().toArray(String[]::new)).build()) {
            long start = etcd.currentRevision();
            WatchRecorder direct = new WatchRecorder();
            WatchRecorder cached = new WatchRecorder();
            long revision;
            try (WatchHandle d = etcd.watch(prefix, WatchOptions.from(start), direct);
                 WatchHandle c = cacher.watch(prefix, WatchOptions.from(start), cached)) {
                // another client's transaction (Kapi writes one key per transaction): three keys under the prefix
                // and, last, one of another resource, which the cache's watch never sees
                revision = raw.getKVClient().txn().Then(put(prefix + "ns/a", "a1"), put(prefix + "ns/b", "b1"),
                                Op.delete(bytes(prefix + "ns/c"), DeleteOption.DEFAULT),
                                put(root + "/secrets/ns/s", "s1"))
                        .commit().get().getHeader().getRevision();
                // a consistent read that starts after it sees all of it
                assertThat(new String(cacher.get(prefix + "ns/a").value(), UTF_8)).isEqualTo("a1");
                assertThat(new String(cacher.get(prefix + "ns/b").value(), UTF_8)).isEqualTo("b1");
                assertThat(cacher.list(prefix, ListOptions.ALL).items()).extracting(KeyValue::key)
                        .containsExactly(prefix + "ns/a", prefix + "ns/b");
                await().atMost(WAIT).untilAsserted(() -> {
                    assertThat(direct.summary()).isEqualTo(expected);
                    assertThat(cached.summary()).isEqualTo(expected);
                });
            }
            assertThat(direct.revisions()).containsOnly(revision);
            assertThat(cached.revisions()).containsOnly(revision);
            // resumed from before it: from etcd's history (a replaying watch) and from the cache's
            WatchRecorder replayed = new WatchRecorder();
            WatchRecorder fromHistory = new WatchRecorder();
            try (WatchHandle d = etcd.watch(prefix, WatchOptions.from(start), replayed);
                 WatchHandle c = cacher.watch(prefix, WatchOptions.from(start), fromHistory)) {
                await().atMost(WAIT).untilAsserted(() -> {
                    assertThat(replayed.summary()).isEqualTo(expected);
                    assertThat(fromHistory.summary()).isEqualTo(expected);
                });
            }
            // a watch from the transaction's revision starts after all of it
            WatchRecorder after = new WatchRecorder();
            try (WatchHandle c = cacher.watch(prefix, WatchOptions.from(revision), after)) {
                etcd.create(prefix + "ns/d", "d0".getBytes(UTF_8));
                await().atMost(WAIT).untilAsserted(() -> assertThat(after.summary()).containsExactly("ADDED d=d0"));
            }
        }
    }

    @Test
    void aTransactionEndingOutsideTheCachedPrefixReachesTheCacheAtOnce() throws Exception {
        String root = EtcdExtension.randomPrefix();
        String prefix = root + "/pods/";
        etcd.create(prefix + "ns/before", "b".getBytes(UTF_8));
        try (Cacher cacher = cacher(prefix);
             Client raw = Client.builder().endpoints(EtcdExtension.endpoints().toArray(String[]::new)).build()) {
            WatchRecorder cached = new WatchRecorder();
            try (WatchHandle c = cacher.watch(prefix, WatchOptions.from(etcd.currentRevision()), cached)) {
                // the pod's change is followed in its revision by a ConfigMap's, which the pods cache never sees; no
                // read asks for progress, and the storage's progress ticks are a minute apart here
                raw.getKVClient().txn().Then(put(prefix + "ns/a", "a1"), put(root + "/configmaps/ns/x", "x1"))
                        .commit().get();
                await().atMost(Duration.ofSeconds(5))
                        .untilAsserted(() -> assertThat(cached.summary()).containsExactly("ADDED a=a1"));
            }
        }
    }

    private static Op put(String key, String value) {
        return Op.put(bytes(key), bytes(value), PutOption.DEFAULT);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, UTF_8);
    }
}
