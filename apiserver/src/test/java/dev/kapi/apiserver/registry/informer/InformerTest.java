package dev.kapi.apiserver.registry.informer;

import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.ForwardingStorage;
import dev.kapi.apiserver.storage.RecordingStorage;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import dev.kapi.apiserver.storage.sqlite.SqliteOptions;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The informer on real storage, one table of scenarios run on etcd (a private one: these tests compact it and
 * freeze it) and on the embedded store: the first list, changes told once and in order, watches that end,
 * a compaction under a watch (410, list again), resync, and a bounded close while storage is down.
 */
class InformerTest {

    private static final String NS = "inf";
    private static final InformerOptions FAST = InformerOptions.DEFAULTS.withBackoff(Duration.ofMillis(100),
            Duration.ofMillis(400));

    @TempDir
    static Path dir;
    private static LocalEtcdProcess etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdExtension.startPrivate();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    enum Backend { ETCD, EMBEDDED }

    @FunctionalInterface
    interface Body {
        void run(Fixture f) throws Exception;
    }

    record Scenario(String name, Set<Backend> backends, Body body) {
        Scenario(String name, Body body) {
            this(name, Set.of(Backend.values()), body);
        }
    }

    @TestFactory
    Stream<DynamicTest> scenarios() {
        List<Scenario> table = List.of(
                new Scenario("the first list adds every stored object once, then it has synced",
                        InformerTest::firstList),
                new Scenario("adds, updates and deletes are told once each, in order", InformerTest::changesInOrder),
                new Scenario("watches that end are opened again from the last revision: nothing twice, nothing lost",
                        InformerTest::watchesThatEnd),
                new Scenario("a compacted revision (410) makes it list again and tell only the differences",
                        InformerTest::compaction),
                new Scenario("watches that fail at once after every list back off longer each time, then recover",
                        InformerTest::watchesFailingAtOnce),
                new Scenario("a filtered informer keeps only what its filter selects: an object that starts matching "
                        + "is told as added, one that stops as deleted", InformerTest::filtered),
                new Scenario("resync tells every cached object again, without reading storage",
                        InformerTest::resync),
                new Scenario("a handler that throws does not stop the others or the informer",
                        InformerTest::failingHandler),
                new Scenario("close is bounded while the first list hangs on a frozen etcd", Set.of(Backend.ETCD),
                        InformerTest::closeWhileFrozen),
                new Scenario("etcd stops and comes back: it lists again, and close is bounded while it is down",
                        Set.of(Backend.ETCD), InformerTest::storageDownAndBack),
                new Scenario("close is bounded while the embedded store is closed under it",
                        Set.of(Backend.EMBEDDED), InformerTest::storeClosedUnderIt));
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend backend : Backend.values()) {
            for (Scenario s : table) {
                if (s.backends().contains(backend)) {
                    tests.add(DynamicTest.dynamicTest(backend + ": " + s.name(), () -> {
                        try (Fixture f = new Fixture(backend)) {
                            s.body().run(f);
                        }
                    }));
                }
            }
        }
        return tests.stream();
    }

    static void firstList(Fixture f) throws Exception {
        f.create("a", "1");
        f.create("b", "1");
        Informer<ConfigMap> informer = f.informer(FAST);
        Recorder r = f.record(informer);
        assertThat(informer.hasSynced()).isFalse();
        informer.start();
        assertThat(informer.awaitSynced(Duration.ofSeconds(10))).isTrue();
        assertThat(r.lines).containsExactly("ADD a 1", "ADD b 1");
        assertThat(informer.cache().list()).extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("a", "b");
        assertThat(informer.cache().get(NS, "a").getData()).containsEntry("v", "1");
        assertThat(informer.cache().list(NS)).hasSize(2);
        assertThat(informer.cache().list("elsewhere")).isEmpty();
        assertThat(Long.parseLong(informer.lastSyncResourceVersion()))
                .isGreaterThanOrEqualTo(Long.parseLong(informer.cache().get(NS, "b").getMetadata().getResourceVersion()));
        assertThat(f.lists()).isEqualTo(1);
    }

    static void changesInOrder(Fixture f) throws Exception {
        Informer<ConfigMap> informer = f.started(FAST);
        Recorder r = f.recorder;
        f.create("a", "1");
        f.update("a", "2");
        f.create("b", "1");
        f.delete("a");
        f.update("b", "2");
        List<String> expected = List.of("ADD a 1", "UPDATE a 1>2", "ADD b 1", "DELETE a 2", "UPDATE b 1>2");
        r.await(expected.size());
        Thread.sleep(300); // nothing more comes
        assertThat(r.lines).containsExactlyElementsOf(expected);
        assertThat(informer.cache().get(NS, "a")).isNull();
        assertThat(informer.cache().get(NS, "b").getData()).containsEntry("v", "2");
        assertThat(informer.isWatching()).isTrue();
    }

    static void filtered(Fixture f) throws Exception {
        f.create("shown", "1");
        f.create("hidden", "secret");
        Informer<ConfigMap> informer = new Informer<>(f.configMaps, "test", FAST,
                c -> !"secret".equals(c.getData().get("v")), CompactCopies.transform());
        f.informers.add(informer);
        Recorder r = f.record(informer);
        informer.start();
        assertThat(informer.awaitSynced(Duration.ofSeconds(10))).isTrue();
        assertThat(r.lines).containsExactly("ADD shown 1");
        f.update("hidden", "2");
        f.update("shown", "secret");
        f.create("later", "secret");
        f.create("last", "3");
        r.await(4);
        Thread.sleep(300); // nothing more comes
        assertThat(r.lines).hasSize(4);
        assertThat(r.lines.subList(1, 4)).satisfiesExactly(
                l -> assertThat(l).isEqualTo("ADD hidden 2"),
                l -> assertThat(l).startsWith("DELETE shown "),
                l -> assertThat(l).isEqualTo("ADD last 3"));
        assertThat(informer.cache().list()).extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("hidden", "last");
        assertThat(f.configMaps.get(NS, "last").getMetadata().getManagedFields()).isNotEmpty();
        assertThat(informer.cache().list()).allSatisfy(c -> assertThat(c.getMetadata().getManagedFields()).isNull());
    }

    static void watchesThatEnd(Fixture f) throws Exception {
        Informer<ConfigMap> informer = f.started(FAST.withWatchTimeout(Duration.ofMillis(40)));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            f.create("x" + i, "1");
            expected.add("ADD x" + i + " 1");
            Thread.sleep(25);
            f.update("x" + i, "2");
            expected.add("UPDATE x" + i + " 1>2");
            Thread.sleep(25);
            if (i % 2 == 0) {
                f.delete("x" + i);
                expected.add("DELETE x" + i + " 2");
            }
        }
        f.recorder.await(expected.size());
        Thread.sleep(300);
        assertThat(f.recorder.lines).containsExactlyElementsOf(expected);
        assertThat(f.watches()).as("watches opened").isGreaterThan(3);
        assertThat(f.lists()).as("no list after the first").isEqualTo(1);
        assertThat(informer.cache().list()).hasSize(4);
    }

    static void compaction(Fixture f) throws Exception {
        f.create("a", "1");
        f.create("b", "1");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Informer<ConfigMap> informer = f.informer(FAST.withWatchTimeout(Duration.ofMillis(150)));
        f.record(informer);
        informer.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(ConfigMap obj) {
                if (obj.getMetadata().getName().equals("block")) {
                    entered.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        informer.start();
        assertThat(informer.awaitSynced(Duration.ofSeconds(10))).isTrue();
        f.create("block", "1");
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        // while the informer is held, the changes after "block" go by and their revisions are compacted away
        f.update("a", "2");
        f.delete("b");
        f.create("c", "1");
        f.storage.compact(f.storage.currentRevision());
        Thread.sleep(400); // the watch's time is up: it is opened again from "block"'s revision, which is gone
        release.countDown();
        List<String> expected = List.of("ADD a 1", "ADD b 1", "ADD block 1", "UPDATE a 1>2", "ADD c 1", "DELETE b 1");
        f.recorder.await(expected.size());
        Thread.sleep(300);
        assertThat(f.recorder.lines).containsExactlyElementsOf(expected);
        assertThat(f.lists()).as("listed again after the 410").isEqualTo(2);
        assertThat(informer.cache().list()).extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("a", "block", "c");
    }

    static void watchesFailingAtOnce(Fixture f) throws Exception {
        f.create("a", "1");
        f.failWatches = true;
        Informer<ConfigMap> informer = f.informer(InformerOptions.DEFAULTS.withBackoff(Duration.ofMillis(100),
                Duration.ofSeconds(10)));
        Recorder r = f.record(informer);
        informer.start();
        assertThat(informer.awaitSynced(Duration.ofSeconds(10))).isTrue();
        Thread.sleep(2500);
        // waits of 0.1, 0.2, 0.4, 0.8 s...: about 5 lists in 2.5 s (a list after each 0.1 s wait would be ~20)
        assertThat(f.lists()).isBetween(2L, 7L);
        assertThat(informer.isWatching()).isFalse();
        f.failWatches = false;
        await().atMost(Duration.ofSeconds(10)).until(informer::isWatching);
        f.create("b", "1");
        r.awaitLine("ADD b 1");
    }

    static void resync(Fixture f) throws Exception {
        f.create("a", "1");
        f.create("b", "1");
        f.started(FAST.withResync(Duration.ofMillis(100)));
        await().atMost(Duration.ofSeconds(10)).until(() -> f.recorder.lines.stream()
                .filter(l -> l.startsWith("RESYNC")).count() >= 6);
        List<String> lines = List.copyOf(f.recorder.lines);
        assertThat(lines.subList(0, 2)).containsExactly("ADD a 1", "ADD b 1");
        assertThat(lines.subList(2, 6)).containsExactlyInAnyOrder("RESYNC a 1", "RESYNC b 1", "RESYNC a 1",
                "RESYNC b 1");
        assertThat(f.lists()).isEqualTo(1);
        f.update("a", "2");
        f.recorder.awaitLine("UPDATE a 1>2");
    }

    static void failingHandler(Fixture f) throws Exception {
        Informer<ConfigMap> informer = f.informer(FAST);
        informer.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(ConfigMap obj) {
                throw new IllegalStateException("a handler's bug");
            }
        });
        f.record(informer);
        informer.start();
        f.create("a", "1");
        f.create("b", "1");
        f.recorder.await(2);
        assertThat(f.recorder.lines).containsExactly("ADD a 1", "ADD b 1");
        assertThat(f.lists()).isEqualTo(1);
    }

    static void closeWhileFrozen(Fixture f) throws Exception {
        etcd.pause();
        try {
            Informer<ConfigMap> informer = f.informer(FAST);
            informer.start();
            Thread.sleep(300); // in its first list, which etcd does not answer
            assertThat(informer.hasSynced()).isFalse();
            assertClosesInTime(informer);
        } finally {
            etcd.resume();
        }
    }

    static void storageDownAndBack(Fixture f) throws Exception {
        f.create("a", "1");
        Informer<ConfigMap> informer = f.started(FAST);
        etcd.stop();
        try {
            Thread.sleep(500);
        } finally {
            etcd.restart();
        }
        f.create("after", "1");
        f.recorder.awaitLine("ADD after 1");
        assertThat(f.recorder.lines).containsExactly("ADD a 1", "ADD after 1");

        etcd.stop();
        try {
            Thread.sleep(1500); // its watch fails and it backs off, listing against a stopped etcd
            assertClosesInTime(informer);
        } finally {
            etcd.restart();
        }
    }

    static void storeClosedUnderIt(Fixture f) throws Exception {
        f.create("a", "1");
        Informer<ConfigMap> informer = f.started(FAST);
        f.storage.close();
        Thread.sleep(500);
        assertClosesInTime(informer);
    }

    private static void assertClosesInTime(Informer<ConfigMap> informer) {
        long start = System.nanoTime();
        informer.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Informer.STOP_WAIT.plusMillis(200));
        assertThat(informer.stopped()).as("its thread ended").isTrue();
        assertThat(informer.isWatching()).isFalse();
    }

    /** Tells each event as one line: "ADD name v", "UPDATE name old>new", "RESYNC name v", "DELETE name v". */
    static final class Recorder implements EventHandler<ConfigMap> {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void onAdd(ConfigMap obj) {
            lines.add("ADD " + name(obj) + " " + v(obj));
        }

        @Override
        public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
            lines.add(oldObj == newObj ? "RESYNC " + name(newObj) + " " + v(newObj)
                    : "UPDATE " + name(newObj) + " " + v(oldObj) + ">" + v(newObj));
        }

        @Override
        public void onDelete(ConfigMap obj) {
            lines.add("DELETE " + name(obj) + " " + v(obj));
        }

        void await(int count) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> lines.size() >= count);
        }

        void awaitLine(String line) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> lines.contains(line));
        }

        private static String name(ConfigMap c) {
            return c.getMetadata().getName();
        }

        private static String v(ConfigMap c) {
            return c.getData() == null ? "-" : c.getData().get("v");
        }
    }

    /** One scenario's storage (a fresh prefix, or a fresh file), its configmaps store, and its informers. */
    static final class Fixture implements AutoCloseable {
        final Storage storage;
        final RecordingStorage recording;
        final Store<ConfigMap> configMaps;
        final String prefix;
        final List<Informer<?>> informers = new ArrayList<>();
        Recorder recorder;
        volatile boolean failWatches;

        Fixture(Backend backend) {
            String root = "/" + UUID.randomUUID() + "/registry";
            storage = backend == Backend.ETCD
                    ? EtcdStorage.connect(etcd.endpoints(), Duration.ofSeconds(10), Duration.ofMillis(500))
                    : SqliteStorage.open(dir.resolve(UUID.randomUUID() + ".db"),
                    SqliteOptions.DEFAULTS.withProgressInterval(Duration.ofMillis(500)));
            recording = new RecordingStorage(storage);
            Storage faulty = new ForwardingStorage(recording) {
                @Override
                public WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
                    if (failWatches) {
                        throw new IllegalStateException("watches refused by the test");
                    }
                    return super.watch(prefixOrKey, options, listener);
                }
            };
            StoreRegistry stores = new StoreRegistry(new ResourceRegistry(BuiltInResources.all(
                    new RegistryContext(storage, root, "10.96.0.0/12", "30000-32767"))), storage, root,
                    (definition, backendStorage) -> faulty);
            configMaps = stores.find("", "v1", "configmaps", ConfigMap.class).orElseThrow();
            prefix = root + "/configmaps/";
        }

        Informer<ConfigMap> informer(InformerOptions options) {
            Informer<ConfigMap> informer = new Informer<>(configMaps, "test", options);
            informers.add(informer);
            return informer;
        }

        Recorder record(Informer<ConfigMap> informer) {
            recorder = new Recorder();
            informer.addHandler(recorder);
            return recorder;
        }

        Informer<ConfigMap> started(InformerOptions options) throws InterruptedException {
            Informer<ConfigMap> informer = informer(options);
            record(informer);
            informer.start();
            assertThat(informer.awaitSynced(Duration.ofSeconds(10))).isTrue();
            return informer;
        }

        void create(String name, String v) {
            Writes.create(configMaps, NS, new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
                    .withData(Map.of("v", v)).build());
        }

        void update(String name, String v) {
            Writes.update(configMaps, NS, name, c -> {
                c.setData(Map.of("v", v));
                return c;
            });
        }

        void delete(String name) {
            Writes.delete(configMaps, NS, name);
        }

        long lists() {
            return recording.callsUnder(prefix).stream().filter(c -> c.op().equals("list")).count();
        }

        long watches() {
            return recording.callsUnder(prefix).stream().filter(c -> c.op().equals("watch")).count();
        }

        @Override
        public void close() {
            Informer.closeAll(informers, Informer.STOP_WAIT);
            storage.close();
        }
    }
}
