package dev.kapi.apiserver.registry.informer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.ListPage;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.HeldLists;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.sqlite.SqliteOptions;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Informers of one store that wait for its cache together share one wait and one list, at the highest revision
 * any of them asked for; one that comes while the list is under way takes its answer when it is at its revision
 * or later; else, or when that list failed, it lists on its own.
 */
class SharedListsTest {

    private static final String ROOT = "/registry";

    @TempDir
    Path dir;

    private SqliteStorage sqlite;
    private HeldLists held;
    private volatile boolean fail;
    private Store<ConfigMap> configMaps;

    @BeforeEach
    void open() {
        sqlite = SqliteStorage.open(dir.resolve("shared.db"), SqliteOptions.DEFAULTS);
        sqlite.create(ROOT + "/configmaps/ns/a", "{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\"}}".getBytes(UTF_8));
        held = new HeldLists(sqlite, Integer.MAX_VALUE) {
            @Override
            public ListResult list(String prefix, ListOptions options) {
                ListResult result = super.list(prefix, options);
                if (fail) {
                    throw new StorageException(StorageException.Code.UNREACHABLE, prefix, "failed by the test");
                }
                return result;
            }
        };
        StoreRegistry stores = new StoreRegistry(new ResourceRegistry(BuiltInResources.all(
                new RegistryContext(sqlite, ROOT, "10.96.0.0/12", "30000-32767"))), sqlite, ROOT,
                (definition, backend) -> held);
        configMaps = stores.find("", "v1", "configmaps", ConfigMap.class).orElseThrow();
    }

    @AfterEach
    void close() {
        held.release();
        sqlite.close();
    }

    private static final SharedLists.CacheWait THERE = revision -> true;

    /** Two lists (not older than 1) on threads of their own: the first held in storage, the second joining it. */
    private List<CompletableFuture<ListPage<ConfigMap>>> twoLists() {
        CompletableFuture<ListPage<ConfigMap>> first = listing(1, THERE);
        await().atMost(Duration.ofSeconds(10)).until(() -> held.lists() == 1);
        return List.of(first, joining(1));
    }

    private CompletableFuture<ListPage<ConfigMap>> listing(long atLeast, SharedLists.CacheWait wait) {
        CompletableFuture<ListPage<ConfigMap>> result = new CompletableFuture<>();
        new Thread(() -> complete(result, atLeast, wait)).start();
        return result;
    }

    private void complete(CompletableFuture<ListPage<ConfigMap>> result, long atLeast, SharedLists.CacheWait wait) {
        try {
            result.complete(SharedLists.list(configMaps, atLeast, wait));
        } catch (Throwable e) {
            result.completeExceptionally(e);
        }
    }

    @Test
    void aListUnderWayIsJoinedAndItsObjectsShared() throws Exception {
        List<CompletableFuture<ListPage<ConfigMap>>> both = twoLists();
        CompletableFuture<ListPage<ConfigMap>> a = both.get(0);
        CompletableFuture<ListPage<ConfigMap>> b = both.get(1);
        held.release();
        ConfigMap fromA = a.get(10, TimeUnit.SECONDS).items().getFirst();
        ConfigMap fromB = b.get(10, TimeUnit.SECONDS).items().getFirst();
        assertThat(fromB).isSameAs(fromA);
        assertThat(fromA.getMetadata().getManagedFields()).isEmpty();
        assertThat(held.lists()).isEqualTo(1);
        assertThat(SharedLists.underWay()).isZero();

        assertThat(SharedLists.list(configMaps, 1, THERE).items().getFirst()).isNotSameAs(fromA); // a list of its own
        assertThat(held.lists()).isEqualTo(2);
    }

    /** A joiner whose shared list failed (its informer closed under it, or storage) lists on its own. */
    @Test
    void aJoinerOfAFailedListListsOnItsOwn() throws Exception {
        fail = true;
        List<CompletableFuture<ListPage<ConfigMap>>> both = twoLists();
        CompletableFuture<ListPage<ConfigMap>> a = both.get(0);
        CompletableFuture<ListPage<ConfigMap>> b = both.get(1);
        held.release();
        assertThatThrownBy(() -> a.get(10, TimeUnit.SECONDS)).hasMessageContaining("failed by the test");
        assertThatThrownBy(() -> b.get(10, TimeUnit.SECONDS)).hasMessageContaining("failed by the test");
        assertThat(held.lists()).isEqualTo(2); // its own, which failed as well
        assertThat(SharedLists.underWay()).isZero();
    }

    /**
     * Those that come while a list is under way at an older revision than theirs wait for it to end, then share
     * one list of their own.
     */
    @Test
    void aListUnderWayOlderThanTheComersAskForIsNotTakenButWaitedFor() throws Exception {
        CompletableFuture<ListPage<ConfigMap>> first = listing(1, THERE);
        await().atMost(Duration.ofSeconds(10)).until(() -> held.lists() == 1);
        long afterTheWrite = sqlite.create(ROOT + "/configmaps/ns/b",
                "{\"metadata\":{\"name\":\"b\",\"namespace\":\"ns\"}}".getBytes(UTF_8)).modRevision();
        CompletableFuture<ListPage<ConfigMap>> second = waiting(afterTheWrite, THERE); // for the first's list
        CompletableFuture<ListPage<ConfigMap>> third = joining(afterTheWrite);
        assertThat(held.lists()).isEqualTo(1);
        held.release();
        assertThat(first.get(10, TimeUnit.SECONDS).items()).hasSize(1); // read before the write
        ListPage<ConfigMap> page = second.get(10, TimeUnit.SECONDS);
        assertThat(page.items()).hasSize(2);
        assertThat(Long.parseLong(page.resourceVersion())).isGreaterThanOrEqualTo(afterTheWrite);
        assertThat(third.get(10, TimeUnit.SECONDS)).isSameAs(page);
        assertThat(held.lists()).isEqualTo(2);
        assertThat(SharedLists.underWay()).isZero();
    }

    /**
     * The restart's case: informers that start one after another while the cache primes wait together; the
     * leader waits again for the highest revision asked for, then lists once for all.
     */
    @Test
    void informersWaitingTogetherShareOneWaitAndOneListAtTheHighestRevision() throws Exception {
        held.release();
        CountDownLatch primed = new CountDownLatch(1);
        List<Long> waitedFor = new CopyOnWriteArrayList<>();
        long first = sqlite.currentRevision();
        CompletableFuture<ListPage<ConfigMap>> a = listing(first, revision -> {
            waitedFor.add(revision);
            return primed.await(10, TimeUnit.SECONDS);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> waitedFor.size() == 1);
        long second = sqlite.create(ROOT + "/configmaps/ns/b",
                "{\"metadata\":{\"name\":\"b\",\"namespace\":\"ns\"}}".getBytes(UTF_8)).modRevision();
        CompletableFuture<ListPage<ConfigMap>> b = joining(second);
        primed.countDown();

        ListPage<ConfigMap> fromA = a.get(10, TimeUnit.SECONDS);
        assertThat(b.get(10, TimeUnit.SECONDS)).isSameAs(fromA);
        assertThat(fromA.items()).hasSize(2);
        assertThat(Long.parseLong(fromA.resourceVersion())).isGreaterThanOrEqualTo(second);
        assertThat(waitedFor).containsExactly(first, second);
        assertThat(held.lists()).isEqualTo(1);
        assertThat(SharedLists.underWay()).isZero();
    }

    /** A leader whose cache is not there in time lists at the current revision, and still shares it. */
    @Test
    void whenTheCacheIsNotThereInTimeTheConsistentListIsShared() throws Exception {
        held.release();
        CountDownLatch waited = new CountDownLatch(1);
        CompletableFuture<ListPage<ConfigMap>> a = listing(1, revision -> {
            waited.await(10, TimeUnit.SECONDS);
            return false;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> SharedLists.underWay() == 1);
        CompletableFuture<ListPage<ConfigMap>> b = joining(sqlite.currentRevision());
        waited.countDown();

        assertThat(b.get(10, TimeUnit.SECONDS)).isSameAs(a.get(10, TimeUnit.SECONDS));
        assertThat(held.lists()).isEqualTo(1);
    }

    /** A list (not older than {@code atLeast}) on a thread of its own, once that thread waits for a group's answer. */
    private CompletableFuture<ListPage<ConfigMap>> joining(long atLeast) {
        return waiting(atLeast, revision -> {
            throw new AssertionError("a joiner does not wait on its own");
        });
    }

    /** A list on a thread of its own, once that thread waits for a group's answer (its own or one it joined). */
    private CompletableFuture<ListPage<ConfigMap>> waiting(long atLeast, SharedLists.CacheWait wait) {
        CompletableFuture<ListPage<ConfigMap>> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> complete(result, atLeast, wait));
        thread.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> thread.getState() == Thread.State.WAITING);
        return result;
    }
}
