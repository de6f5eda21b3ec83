package dev.kapi.apiserver.storage.cacher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.IndexMatch;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.ReadRevision;
import dev.kapi.apiserver.storage.StorageException.Code;
import dev.kapi.apiserver.storage.WatchEvent.Type;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchRecorder;
import dev.kapi.apiserver.storage.sqlite.SqliteOptions;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the watch cache adds to the storage contract, on the embedded store behind a {@link GatedStorage}
 * that shows which calls reach the backend: reads from memory, consistency with writes made around the cache,
 * coalesced revision checks, the fallback when the cache cannot catch up, the index, the history window,
 * re-priming after the backend watch failed, and the stats.
 */
class CacherTest {

    private static final String PODS = "/registry/pods/";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private SqliteStorage sqlite;
    private GatedStorage backend;
    private Cacher cacher;

    private Cacher open(CacherOptions options) {
        sqlite = SqliteStorage.open(dir.resolve("cacher.db"),
                SqliteOptions.DEFAULTS.withProgressInterval(Duration.ofMillis(500)));
        backend = new GatedStorage(sqlite);
        cacher = new Cacher(backend, PODS, options.withProgressInterval(Duration.ofMillis(500)));
        await().atMost(WAIT).until(() -> cacher.stats().ready());
        return cacher;
    }

    @AfterEach
    void close() {
        if (cacher != null) {
            cacher.close();
        }
        if (sqlite != null) {
            sqlite.close();
        }
    }

    /**
     * A cacher whose backend's progress is not to be trusted (etcd before 3.4.31), with Pod {@code a} created
     * ("old"), then updated ("new") behind a stalled backend watch: the cache has not seen the update.
     */
    private KeyValue updatedUnseen(CacherOptions options) {
        open(options);
        backend.confirmsProgress = false;
        cacher.create(PODS + "ns/a", pod("a", "old"));
        backend.stall();
        return sqlite.guaranteedUpdate(PODS + "ns/a", Preconditions.NONE, false, c -> pod("a", "new"));
    }

    private static byte[] pod(String name, String node) {
        return ("{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"nodeName\":\"" + node + "\"}}").getBytes(UTF_8);
    }

    private static String text(KeyValue kv) {
        return new String(kv.value(), UTF_8);
    }

    @Test
    void everyReadButExactAndContinueIsServedFromMemory() {
        open(CacherOptions.DEFAULTS);
        KeyValue a = cacher.create(PODS + "ns/a", pod("a", "n1"));
        cacher.create(PODS + "ns/b", pod("b", "n1"));
        KeyValue c = cacher.create(PODS + "ns/c", pod("c", "n2"));
        await().atMost(WAIT).until(() -> cacher.stats().revision() >= c.modRevision());
        backend.resetCounts();

        KeyValue cached = cacher.get(PODS + "ns/a", GetOptions.ANY);
        assertThat(cached.modRevision()).isEqualTo(a.modRevision());
        for (GetOptions options : List.of(GetOptions.notOlderThan(a.modRevision()), GetOptions.MOST_RECENT)) {
            assertThat(cacher.get(PODS + "ns/a", options)).as(options.toString()).isSameAs(cached);
        }
        for (ReadRevision at : List.of(ReadRevision.ANY, ReadRevision.notOlderThan(c.modRevision()),
                ReadRevision.MOST_RECENT)) {
            ListResult all = cacher.list(PODS, new ListOptions(at, 0, null));
            assertThat(all.items()).as(at.toString()).extracting(KeyValue::key)
                    .containsExactly(PODS + "ns/a", PODS + "ns/b", PODS + "ns/c");
            assertThat(all.revision()).isGreaterThanOrEqualTo(c.modRevision());
        }
        ListResult page = cacher.list(PODS, ListOptions.limit(1));
        assertThat(page.remainingItemCount()).isEqualTo(2);
        assertThat(page.revision()).isEqualTo(cacher.stats().revision());
        assertThat(backend.gets.get() + backend.lists.get()).isZero();
        assertThat(backend.revisionChecks.get()).isEqualTo(3); // one per consistent read, nothing else
        assertThat(cacher.list(PODS + "ns/", new ListOptions(ReadRevision.ANY, 2, null)).remainingItemCount())
                .as("a namespace, counted by walking it").isEqualTo(1);

        ListResult next = cacher.list(PODS, ListOptions.continueFrom(page.continueToken(), 5));
        assertThat(next.items()).extracting(KeyValue::key).containsExactly(PODS + "ns/b", PODS + "ns/c");
        assertThat(next.revision()).isEqualTo(page.revision());
        cacher.list(PODS, ListOptions.exact(a.modRevision(), 0));
        assertThat(backend.lists.get()).isEqualTo(2);
        assertThat(cacher.stats().consistentReadsFromCache()).isEqualTo(3);
        assertThat(cacher.stats().consistentReadsFallback()).isZero();
    }

    @Test
    void aReadFromStorageIsPassedOnWithoutARevisionCheck() {
        open(CacherOptions.DEFAULTS);
        KeyValue a = cacher.create(PODS + "ns/a", pod("a", "n1"));
        await().atMost(WAIT).until(() -> cacher.stats().revision() >= a.modRevision());
        backend.resetCounts();
        KeyValue read = cacher.get(PODS + "ns/a", GetOptions.FROM_STORAGE);
        assertThat(read.modRevision()).isEqualTo(a.modRevision());
        assertThat(text(read)).isEqualTo(text(a));
        assertThat(backend.gets.get()).isEqualTo(1);
        assertThat(backend.revisionChecks.get()).isZero();
        assertThatThrownBy(() -> new GetOptions(ReadRevision.ANY, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aConsistentReadSeesWritesMadeOnTheBackendBeforeItStarted() {
        open(CacherOptions.DEFAULTS);
        for (int i = 0; i < 50; i++) {
            KeyValue written = sqlite.guaranteedUpdate(PODS + "ns/x", Preconditions.NONE, true,
                    current -> pod("x", "v" + System.nanoTime()));
            KeyValue read = cacher.get(PODS + "ns/x");
            assertThat(read.modRevision()).isEqualTo(written.modRevision());
            assertThat(cacher.list(PODS + "ns/", ListOptions.ALL).items()).singleElement()
                    .satisfies(kv -> assertThat(kv.modRevision()).isEqualTo(written.modRevision()));
        }
        assertThat(cacher.stats().consistentReadsFromCache()).isEqualTo(100);
        assertThat(backend.gets.get()).isZero();
    }

    @Test
    void concurrentConsistentReadsShareRevisionChecks() throws Exception {
        open(CacherOptions.DEFAULTS);
        cacher.create(PODS + "ns/a", pod("a", "n1"));
        backend.revisionDelayMillis = 20; // like a round trip to etcd
        backend.resetCounts();
        int readers = 32;
        int reads = 5;
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        try {
            List<Callable<Object>> tasks = new ArrayList<>();
            for (int i = 0; i < readers; i++) {
                tasks.add(() -> {
                    for (int r = 0; r < reads; r++) {
                        assertThat(text(cacher.get(PODS + "ns/a"))).contains("\"a\"");
                    }
                    return null;
                });
            }
            for (Future<Object> done : pool.invokeAll(tasks)) {
                done.get();
            }
        } finally {
            pool.shutdownNow();
        }
        int checks = backend.revisionChecks.get();
        System.out.println(readers * reads + " consistent reads took " + checks + " revision checks");
        assertThat(checks).isPositive().isLessThanOrEqualTo(readers * reads / 4);
        assertThat(cacher.stats().consistentReadsFromCache()).isEqualTo(readers * reads);
        assertThat(backend.gets.get()).isZero();
    }

    @Test
    void whenTheCacheCannotCatchUpInTimeTheBackendAnswers() {
        open(CacherOptions.DEFAULTS.withConsistentReadWait(Duration.ofMillis(300)));
        cacher.create(PODS + "ns/a", pod("a", "old"));
        backend.stall();
        KeyValue updated = sqlite.guaranteedUpdate(PODS + "ns/a", Preconditions.NONE, false, c -> pod("a", "new"));
        backend.resetCounts();

        KeyValue read = cacher.get(PODS + "ns/a");
        assertThat(text(read)).contains("\"new\"");
        assertThat(read.modRevision()).isEqualTo(updated.modRevision());
        assertThat(backend.gets.get()).isEqualTo(1);
        assertThat(cacher.stats().consistentReadsFallback()).isEqualTo(1);
        assertThat(text(cacher.get(PODS + "ns/a", GetOptions.ANY))).contains("\"old\""); // never newer than it claims
        assertThat(cacher.stats().revision()).isLessThan(updated.modRevision());

        backend.resume();
        assertThat(text(cacher.get(PODS + "ns/a"))).contains("\"new\"");
        assertThat(backend.gets.get()).isEqualTo(1);
        assertThat(cacher.stats().consistentReadsFromCache()).isEqualTo(1);
    }

    /**
     * etcd before 3.4.31 (the backend's progress not to be trusted): a cache catching up on a backlog, one event
     * every 5 ms for 400 ms (longer than {@link CacheFreshness#UNCONFIRMED_WAIT}), still serves the read once there.
     */
    @Test
    void withUnconfirmedProgressAReadWaitsWhileTheCacheCatchesUp() {
        open(CacherOptions.DEFAULTS.withConsistentReadWait(Duration.ofSeconds(5)));
        backend.confirmsProgress = false;
        cacher.create(PODS + "ns/a", pod("a", "v0"));
        backend.stall();
        KeyValue last = null;
        for (int i = 1; i <= 80; i++) {
            String node = "v" + i;
            last = sqlite.guaranteedUpdate(PODS + "ns/a", Preconditions.NONE, false, c -> pod("a", node));
        }
        backend.resetCounts();
        Thread releaser = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Thread.sleep(5);
                    backend.releaseOne();
                }
            } catch (InterruptedException e) {
                // done
            }
        });
        try {
            KeyValue read = cacher.get(PODS + "ns/a");

            assertThat(read.modRevision()).isEqualTo(last.modRevision());
            assertThat(text(read)).contains("\"v80\"");
            assertThat(backend.gets.get()).isZero();
            assertThat(cacher.stats().consistentReadsFallback()).isZero();
            assertThat(cacher.stats().consistentReadsFromCache()).isEqualTo(1);
        } finally {
            releaser.interrupt();
            backend.resume();
        }
    }

    /** With progress not to be trusted, a cache that does not move is given up on after a short wait. */
    @Test
    void withUnconfirmedProgressAReadGivesUpSoonOnACacheThatDoesNotMove() {
        updatedUnseen(CacherOptions.DEFAULTS.withConsistentReadWait(Duration.ofSeconds(5)));
        backend.resetCounts();
        try {
            long start = System.nanoTime();
            KeyValue read = cacher.get(PODS + "ns/a");

            assertThat(text(read)).contains("\"new\"");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(backend.gets.get()).isEqualTo(1);
            assertThat(cacher.stats().consistentReadsFallback()).isEqualTo(1);
        } finally {
            backend.resume();
        }
    }

    /**
     * An informer's wait ({@link Cacher#awaitCached}) with progress not to be trusted: a cache that stands still
     * for longer than a read's short give-up is still waited for.
     */
    @Test
    void withUnconfirmedProgressAnInformersWaitOutlastsTheReadsGiveUp() throws Exception {
        KeyValue last = updatedUnseen(CacherOptions.DEFAULTS.withConsistentReadWait(Duration.ofSeconds(5)));
        try {
            Thread releaser = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(4 * CacheFreshness.UNCONFIRMED_WAIT.toMillis());
                    backend.resume();
                } catch (InterruptedException e) {
                    // the test ended first
                }
            });
            long start = System.nanoTime();

            boolean cached = cacher.awaitCached(PODS, last.modRevision(), Duration.ofSeconds(10));

            assertThat(cached).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThanOrEqualTo(CacheFreshness.UNCONFIRMED_WAIT.multipliedBy(3));
            releaser.join();
        } finally {
            backend.resume();
        }
    }

    /**
     * ... but on a primed cache not for a revision a read already missed (a write outside the watch, likely): that
     * would cost every informer's list the wait.
     */
    @Test
    void withUnconfirmedProgressAPrimedCachesWaitSkipsARevisionAReadMissed() throws Exception {
        KeyValue last = updatedUnseen(CacherOptions.DEFAULTS.withConsistentReadWait(Duration.ofSeconds(5)));
        try {
            assertThat(text(cacher.get(PODS + "ns/a"))).contains("\"new\""); // gave up, marked the revision missed
            long start = System.nanoTime();

            boolean cached = cacher.awaitCached(PODS, last.modRevision(), Duration.ofSeconds(10));

            assertThat(cached).isFalse();
            // at once, not after the patient wait's 3 s of standing still (a loaded machine may take a while)
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(CacheFreshness.PATIENT_UNCONFIRMED_WAIT.dividedBy(2));
        } finally {
            backend.resume();
        }
    }

    /** ... but not for ever: a cache that stands still below the revision is given up on after a few seconds. */
    @Test
    void withUnconfirmedProgressAnInformersWaitEndsOnACacheThatStandsStill() throws Exception {
        KeyValue last = updatedUnseen(CacherOptions.DEFAULTS);
        try {
            long start = System.nanoTime();

            boolean cached = cacher.awaitCached(PODS, last.modRevision(), Duration.ofSeconds(30));

            assertThat(cached).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThanOrEqualTo(CacheFreshness.PATIENT_UNCONFIRMED_WAIT)
                    .isLessThan(CacheFreshness.PATIENT_UNCONFIRMED_WAIT.plusSeconds(5));
        } finally {
            backend.resume();
        }
    }

    /** An informer closing (its thread interrupted) while it waits is told so, not handed a "not there". */
    @Test
    void anInformersWaitEndsWithTheInterruptOfItsThread() throws Exception {
        KeyValue last = updatedUnseen(CacherOptions.DEFAULTS);
        try {
            java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();
            Thread waiter = Thread.ofVirtual().start(() -> {
                try {
                    ended.complete(new AssertionError("returned " + cacher.awaitCached(PODS, last.modRevision(),
                            Duration.ofSeconds(30))));
                } catch (InterruptedException e) {
                    ended.complete(e);
                }
            });
            Thread.sleep(200);
            waiter.interrupt();
            assertThat(ended.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        } finally {
            backend.resume();
        }
    }

    @Test
    void aListWithAnIndexHintAnswersOnlyTheMatchingObjects() {
        open(CacherOptions.DEFAULTS.withIndexers(Map.of("spec.nodeName", FieldIndexers.jsonPath("spec.nodeName"))));
        cacher.create(PODS + "a/p1", pod("p1", "node-1"));
        cacher.create(PODS + "a/p2", pod("p2", "node-2"));
        cacher.create(PODS + "b/p3", pod("p3", "node-1"));
        cacher.create(PODS + "b/p4", pod("p4", "node-1"));
        cacher.create(PODS + "c/p5", pod("p5", "node-2"));
        cacher.create(PODS + "c/p6", "{\"spec\":{}}".getBytes(UTF_8)); // not scheduled: under ""
        IndexMatch node1 = new IndexMatch("spec.nodeName", "node-1");

        assertThat(keys(cacher.list(PODS, ListOptions.ALL.withIndex(node1))))
                .containsExactly("a/p1", "b/p3", "b/p4");
        assertThat(keys(cacher.list(PODS + "b/", ListOptions.ALL.withIndex(node1)))).containsExactly("b/p3", "b/p4");
        assertThat(keys(cacher.list(PODS + "c/", ListOptions.ALL.withIndex(node1)))).isEmpty();
        assertThat(keys(cacher.list(PODS, ListOptions.ALL.withIndex(new IndexMatch("spec.nodeName", "")))))
                .containsExactly("c/p6");
        ListResult first = cacher.list(PODS, ListOptions.limit(1).withIndex(node1));
        assertThat(keys(first)).containsExactly("a/p1");
        assertThat(first.remainingItemCount()).isEqualTo(2);

        cacher.guaranteedUpdate(PODS + "a/p2", Preconditions.NONE, false, c -> pod("p2", "node-1"));
        cacher.delete(PODS + "b/p3", Preconditions.NONE);
        assertThat(keys(cacher.list(PODS, ListOptions.ALL.withIndex(node1)))).containsExactly("a/p1", "a/p2", "b/p4");
        // a field without an indexer: the hint is ignored, callers filter
        assertThat(keys(cacher.list(PODS, ListOptions.ALL.withIndex(new IndexMatch("spec.other", "x"))))).hasSize(5);
        // the whole resource's count after creates, an update and a delete; a namespace's counted by walking it
        assertThat(cacher.list(PODS, ListOptions.limit(2)).remainingItemCount()).isEqualTo(3);
        assertThat(cacher.list(PODS + "c/", ListOptions.limit(1)).remainingItemCount()).isEqualTo(1);
        // an object the indexer cannot read: the index is not used (it would miss it) until that object is gone
        cacher.create(PODS + "d/p7", "not json".getBytes(UTF_8));
        assertThat(keys(cacher.list(PODS, ListOptions.ALL.withIndex(node1)))).hasSize(6);
        cacher.delete(PODS + "d/p7", Preconditions.NONE); // consistent lists: the cache has seen both
        assertThat(keys(cacher.list(PODS, ListOptions.ALL.withIndex(node1)))).containsExactly("a/p1", "a/p2", "b/p4");
    }

    private static List<String> keys(ListResult result) {
        return result.items().stream().map(kv -> kv.key().substring(PODS.length())).toList();
    }

    @Test
    void theHistoryGrowsLikeKubesWhileItsEventsAreFresh() {
        open(CacherOptions.DEFAULTS);
        assertThat(cacher.stats().historyCapacity()).isEqualTo(100);
        long start = cacher.currentRevision();
        KeyValue last = null;
        for (int i = 0; i < 150; i++) {
            last = cacher.create(PODS + "ns/p" + i, pod("p" + i, "n"));
        }
        long lastRevision = last.modRevision();
        await().atMost(WAIT).until(() -> cacher.stats().revision() >= lastRevision);
        assertThat(cacher.stats().historySize()).isEqualTo(150);
        assertThat(cacher.stats().historyCapacity()).isEqualTo(200);

        backend.resetCounts();
        WatchRecorder recorder = new WatchRecorder();
        try (WatchHandle ignored = cacher.watch(PODS, WatchOptions.from(start), recorder)) {
            await().atMost(WAIT).until(() -> recorder.changes().size() == 150);
        }
        assertThat(backend.watches.get()).isZero();
    }

    @Test
    void aWatchOlderThanTheHistoryWindowIsTheBackends() {
        open(CacherOptions.DEFAULTS.withHistory(4, 4, Duration.ofSeconds(75)));
        List<Long> written = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            written.add(cacher.create(PODS + "ns/p" + i, pod("p" + i, "n")).modRevision());
        }
        await().atMost(WAIT).until(() -> cacher.stats().revision() >= written.getLast());
        assertThat(cacher.stats().historySize()).isEqualTo(4);
        backend.resetCounts();

        WatchRecorder old = new WatchRecorder();
        WatchRecorder recent = new WatchRecorder();
        try (WatchHandle a = cacher.watch(PODS, WatchOptions.from(written.getFirst()), old);
             WatchHandle b = cacher.watch(PODS, WatchOptions.from(written.get(6)), recent)) {
            assertThat(backend.watches.get()).isEqualTo(1); // the old one only
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(old.revisions()).isEqualTo(written.subList(1, 10));
                assertThat(recent.revisions()).isEqualTo(written.subList(7, 10));
            });
        }
    }

    @Test
    void afterTheBackendWatchFailsTheCacheEndsItsWatchesAndPrimesAgain() {
        open(CacherOptions.DEFAULTS);
        KeyValue a = cacher.create(PODS + "ns/a", pod("a", "n"));
        await().atMost(WAIT).until(() -> cacher.stats().revision() >= a.modRevision());
        WatchRecorder recorder = new WatchRecorder();
        WatchHandle watch = cacher.watch(PODS, WatchOptions.from(a.modRevision()), recorder);
        assertThat(cacher.stats().initializations()).isEqualTo(1);

        backend.failWatches(Code.EXPIRED);
        await().atMost(WAIT).untilAsserted(() -> assertThat(recorder.events()).singleElement()
                .satisfies(e -> assertThat(e.error().code()).isEqualTo(Code.EXPIRED)));
        await().atMost(WAIT).until(() -> cacher.stats().initializations() == 2 && cacher.stats().ready());
        watch.close();

        KeyValue b = cacher.create(PODS + "ns/b", pod("b", "n"));
        assertThat(keys(cacher.list(PODS, ListOptions.ALL))).containsExactly("ns/a", "ns/b");
        assertThat(cacher.get(PODS + "ns/b").modRevision()).isEqualTo(b.modRevision());
        WatchRecorder again = new WatchRecorder();
        try (WatchHandle ignored = cacher.watch(PODS, WatchOptions.from(0), again)) {
            await().atMost(WAIT).until(() -> again.changes().size() == 2);
        }
    }

    @Test
    void statsCountWhatTheCacheHolds() {
        open(CacherOptions.DEFAULTS);
        byte[] value = pod("a", "n");
        cacher.create(PODS + "ns/a", value);
        cacher.create(PODS + "ns/b", value);
        cacher.guaranteedUpdate(PODS + "ns/b", Preconditions.NONE, false, c -> pod("b", "nn"));
        KeyValue deleted = cacher.delete(PODS + "ns/a", Preconditions.NONE);
        cacher.create("/registry/other/x", value); // outside the prefix: not cached
        await().atMost(WAIT).until(() -> cacher.stats().revision() >= deleted.modRevision());
        CacheStats stats = cacher.stats();
        assertThat(stats.resource()).isEqualTo("pods");
        assertThat(stats.ready()).isTrue();
        assertThat(stats.objects()).isEqualTo(1);
        assertThat(stats.bytes()).isEqualTo(pod("b", "nn").length);
        assertThat(stats.eventsReceived()).isEqualTo(4);
        assertThat(stats.historySize()).isEqualTo(4);
        assertThat(stats.initializations()).isEqualTo(1);
        assertThat(cacher.get("/registry/other/x", GetOptions.ANY).value()).isEqualTo(value);
    }

    @Test
    void historyEventsShareTheCachedInstances() {
        open(CacherOptions.DEFAULTS);
        KeyValue a = cacher.create(PODS + "ns/a", pod("a", "n"));
        await().atMost(WAIT).until(() -> cacher.stats().revision() >= a.modRevision());
        WatchRecorder recorder = new WatchRecorder();
        try (WatchHandle ignored = cacher.watch(PODS, WatchOptions.from(a.modRevision() - 1), recorder)) {
            await().atMost(WAIT).until(() -> recorder.changes().size() == 1);
            assertThat(recorder.changes().getFirst().current()).isSameAs(cacher.get(PODS + "ns/a", GetOptions.ANY));
            cacher.delete(PODS + "ns/a", Preconditions.NONE);
            await().atMost(WAIT).until(() -> recorder.changes().size() == 2);
            var deleted = recorder.changes().get(1);
            assertThat(deleted.type()).isEqualTo(Type.DELETED);
            assertThat(deleted.current().value()).isSameAs(recorder.changes().getFirst().current().value());
        }
    }
}
