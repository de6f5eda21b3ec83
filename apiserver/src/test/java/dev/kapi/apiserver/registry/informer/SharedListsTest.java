package dev.kapi.apiserver.registry.informer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.ListPage;
import dev.kapi.apiserver.registry.ListParams;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A list that must not be older than R, asked for while one of the same store is under way, is that one's answer
 * when it is at R or later; else, or when that one failed, a list of its own.
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

    private static ListParams<ConfigMap> notOlderThan(long revision) {
        return new ListParams<>(null, Long.toString(revision), "NotOlderThan", 0, null);
    }

    /**
     * Two lists on threads of their own, the second (not older than {@code secondAtLeast}) started and waiting
     * once the first (not older than 1) is held in storage; {@code between} runs in between.
     */
    private List<CompletableFuture<ListPage<ConfigMap>>> twoLists(Runnable between, long[] secondAtLeast) {
        CompletableFuture<ListPage<ConfigMap>> first = listing(notOlderThan(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> held.lists() == 1);
        between.run();
        Thread[] thread = new Thread[1];
        CompletableFuture<ListPage<ConfigMap>> second = new CompletableFuture<>();
        ListParams<ConfigMap> params = notOlderThan(secondAtLeast[0]);
        thread[0] = new Thread(() -> complete(second, params));
        thread[0].start();
        // joining waits without a timeout; a list of its own would wait in storage with one
        await().atMost(Duration.ofSeconds(10)).until(() -> thread[0].getState() == Thread.State.WAITING);
        return List.of(first, second);
    }

    private CompletableFuture<ListPage<ConfigMap>> listing(ListParams<ConfigMap> params) {
        CompletableFuture<ListPage<ConfigMap>> result = new CompletableFuture<>();
        new Thread(() -> complete(result, params)).start();
        return result;
    }

    private void complete(CompletableFuture<ListPage<ConfigMap>> result, ListParams<ConfigMap> params) {
        try {
            result.complete(SharedLists.list(configMaps, params, Long.parseLong(params.resourceVersion())));
        } catch (Throwable e) {
            result.completeExceptionally(e);
        }
    }

    @Test
    void aListUnderWayIsJoinedAndItsObjectsShared() throws Exception {
        List<CompletableFuture<ListPage<ConfigMap>>> both = twoLists(() -> { }, new long[]{1});
        CompletableFuture<ListPage<ConfigMap>> a = both.get(0);
        CompletableFuture<ListPage<ConfigMap>> b = both.get(1);
        held.release();
        ConfigMap fromA = a.get(10, TimeUnit.SECONDS).items().getFirst();
        ConfigMap fromB = b.get(10, TimeUnit.SECONDS).items().getFirst();
        assertThat(fromB).isSameAs(fromA);
        assertThat(fromA.getMetadata().getManagedFields()).isEmpty();
        assertThat(held.lists()).isEqualTo(1);
        assertThat(SharedLists.underWay()).isZero();

        assertThat(SharedLists.list(configMaps, notOlderThan(1), 1).items().getFirst())
                .isNotSameAs(fromA); // a list of its own
        assertThat(held.lists()).isEqualTo(2);
    }

    /** A joiner whose shared list failed (its informer closed under it, or storage) lists on its own. */
    @Test
    void aJoinerOfAFailedListListsOnItsOwn() throws Exception {
        fail = true;
        List<CompletableFuture<ListPage<ConfigMap>>> both = twoLists(() -> { }, new long[]{1});
        CompletableFuture<ListPage<ConfigMap>> a = both.get(0);
        CompletableFuture<ListPage<ConfigMap>> b = both.get(1);
        held.release();
        assertThatThrownBy(() -> a.get(10, TimeUnit.SECONDS)).hasMessageContaining("failed by the test");
        assertThatThrownBy(() -> b.get(10, TimeUnit.SECONDS)).hasMessageContaining("failed by the test");
        assertThat(held.lists()).isEqualTo(2); // its own, which failed as well
        assertThat(SharedLists.underWay()).isZero();
    }

    @Test
    void anAnswerOlderThanTheJoinerAsksForIsNotTaken() throws Exception {
        long[] afterTheWrite = new long[1];
        List<CompletableFuture<ListPage<ConfigMap>>> both = twoLists(() -> {
            afterTheWrite[0] = sqlite.create(ROOT + "/configmaps/ns/b",
                    "{\"metadata\":{\"name\":\"b\",\"namespace\":\"ns\"}}".getBytes(UTF_8)).modRevision();
        }, afterTheWrite);
        held.release();
        assertThat(both.get(0).get(10, TimeUnit.SECONDS).items()).hasSize(1); // read before the write
        ListPage<ConfigMap> second = both.get(1).get(10, TimeUnit.SECONDS);
        assertThat(second.items()).hasSize(2);
        assertThat(Long.parseLong(second.resourceVersion())).isGreaterThanOrEqualTo(afterTheWrite[0]);
        assertThat(held.lists()).isEqualTo(2);
    }

    @Test
    void onlyListsOfEverythingAreShared() {
        assertThatThrownBy(() -> SharedLists.list(configMaps, new ListParams<>(null, "", "", 5, null), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SharedLists.list(configMaps, new ListParams<>(c -> true, "1", "NotOlderThan", 0,
                null), 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
