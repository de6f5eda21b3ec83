package dev.kapi.apiserver.storage.cacher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.StorageErrors;
import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.HeldLists;
import dev.kapi.apiserver.storage.IndexMatch;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.ReadRevision;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.sqlite.SqliteOptions;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads while the cache primes (kube's ResilientWatchCacheInitialization): gets, consistent, exact and bounded
 * unselective lists go to the backend; a list from memory that is unbounded or selective waits a moment for the
 * cache, then is refused (429).
 */
class CacherNotReadyTest {

    private static final String PODS = "/registry/pods/";

    @TempDir
    Path dir;

    private SqliteStorage sqlite;
    private HeldLists priming;
    private Cacher cacher;
    private KeyValue a;

    @BeforeEach
    void open() {
        sqlite = SqliteStorage.open(dir.resolve("not-ready.db"), SqliteOptions.DEFAULTS);
        a = sqlite.create(PODS + "ns/a", "{\"metadata\":{\"name\":\"a\"}}".getBytes(UTF_8));
        sqlite.create(PODS + "ns/b", "{\"metadata\":{\"name\":\"b\"}}".getBytes(UTF_8));
        priming = new HeldLists(sqlite, 1); // the cache's priming list waits for the test
        cacher = new Cacher(priming, PODS, CacherOptions.DEFAULTS);
        await().atMost(Duration.ofSeconds(10)).until(() -> priming.lists() == 1);
    }

    @AfterEach
    void close() {
        priming.release();
        cacher.close();
        sqlite.close();
    }

    private StorageException.Code refusal(ListOptions options) {
        try {
            cacher.list(PODS, options);
            return null;
        } catch (StorageException e) {
            return e.code();
        }
    }

    @Test
    void unboundedOrSelectiveListsFromMemoryAreRefusedUntilTheCacheIsReady() {
        assertThat(cacher.stats().ready()).isFalse();
        ListOptions any = new ListOptions(ReadRevision.ANY, 0, null);
        assertThat(refusal(any)).isEqualTo(StorageException.Code.NOT_READY);
        assertThat(refusal(new ListOptions(ReadRevision.notOlderThan(a.modRevision()), 0, null)))
                .isEqualTo(StorageException.Code.NOT_READY);
        assertThat(refusal(new ListOptions(ReadRevision.ANY, 5, null).withSelective(true)))
                .isEqualTo(StorageException.Code.NOT_READY);
        assertThat(refusal(new ListOptions(ReadRevision.ANY, 5, null)
                .withIndex(new IndexMatch("spec.nodeName", "n1")))).isEqualTo(StorageException.Code.NOT_READY);

        // bounded and unselective, consistent, exact: the backend's
        assertThat(cacher.list(PODS, new ListOptions(ReadRevision.ANY, 1, null)).items()).hasSize(1);
        assertThat(cacher.list(PODS, ListOptions.ALL.withSelective(true)).items()).hasSize(2);
        assertThat(cacher.list(PODS, ListOptions.exact(a.modRevision(), 0)).items()).hasSize(1);
        assertThat(cacher.get(PODS + "ns/a", GetOptions.ANY).modRevision()).isEqualTo(a.modRevision());

        priming.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> cacher.stats().ready());
        assertThat(cacher.list(PODS, any.withSelective(true)).items()).hasSize(2);
    }

    @Test
    void aListThatArrivesAsTheCacheFinishesPrimingIsServedFromIt() throws Exception {
        java.util.concurrent.CompletableFuture<ListResult> list = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> cacher.list(PODS, new ListOptions(ReadRevision.ANY, 0, null)));
        Thread.sleep(100);
        priming.release();
        assertThat(list.get(5, TimeUnit.SECONDS).items()).hasSize(2);
        assertThat(priming.lists()).isEqualTo(1); // the priming list only: the waiting one was the cache's
    }

    @Test
    void aRefusalIsKubes429AskingToRetryAfterOneSecond() {
        StorageException refused = catchRefusal();
        StatusError status = StorageErrors.interpret(refused, new GroupResource("", "pods"), null);
        assertThat(status.code()).isEqualTo(429);
        assertThat(status.status().getReason()).isEqualTo("TooManyRequests");
        assertThat(status.status().getMessage()).isEqualTo("storage is (re)initializing");
        assertThat(status.status().getDetails().getRetryAfterSeconds()).isEqualTo(1);
    }

    private StorageException catchRefusal() {
        try {
            cacher.list(PODS, new ListOptions(ReadRevision.ANY, 0, null));
        } catch (StorageException e) {
            return e;
        }
        return fail("the list was not refused");
    }
}
