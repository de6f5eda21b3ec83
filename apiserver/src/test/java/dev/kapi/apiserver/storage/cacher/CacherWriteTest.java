package dev.kapi.apiserver.storage.cacher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.ForwardingStorage;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.UpdateFunction;
import dev.kapi.apiserver.storage.sqlite.SqliteOptions;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes through the cache start from its entry (kube's cachedExistingObject): the backend is handed the cached
 * entry, so a current one costs no read; the outcome with a stale one is the storage contract's.
 */
class CacherWriteTest {

    private static final String PODS = "/registry/pods/";

    @TempDir
    Path dir;

    private SqliteStorage sqlite;
    private final List<KeyValue> handed = new ArrayList<>();
    private Cacher cacher;

    @BeforeEach
    void open() {
        sqlite = SqliteStorage.open(dir.resolve("writes.db"), SqliteOptions.DEFAULTS);
        Storage recording = new ForwardingStorage(sqlite) {
            @Override
            public KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound,
                                             UpdateFunction update, KeyValue cached) {
                handed.add(cached);
                return delegate.guaranteedUpdate(key, preconditions, ignoreNotFound, update);
            }

            @Override
            public KeyValue delete(String key, Preconditions preconditions, KeyValue cached) {
                handed.add(cached);
                return delegate.delete(key, preconditions);
            }
        };
        cacher = new Cacher(recording, PODS, CacherOptions.DEFAULTS);
        await().atMost(Duration.ofSeconds(10)).until(() -> cacher.stats().ready());
    }

    @AfterEach
    void close() {
        cacher.close();
        sqlite.close();
    }

    private KeyValue createdAndCached(String key) {
        KeyValue created = cacher.create(key, "{\"metadata\":{}}".getBytes(UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> cacher.stats().revision() >= created.modRevision());
        return created;
    }

    @Test
    void updatesAndDeletesAreHandedTheCachedEntry() {
        KeyValue a = createdAndCached(PODS + "ns/a");
        KeyValue updated = cacher.guaranteedUpdate(PODS + "ns/a", Preconditions.NONE, false,
                c -> "{\"metadata\":{},\"x\":1}".getBytes(UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> cacher.stats().revision() >= updated.modRevision());
        cacher.delete(PODS + "ns/a", Preconditions.NONE);
        assertThat(handed).extracting(KeyValue::modRevision).containsExactly(a.modRevision(), updated.modRevision());
    }

    @Test
    void theCallersEntryWinsAndKeysOutsideTheCacheOrAbsentAreHandedNothing() {
        KeyValue b = createdAndCached(PODS + "ns/b");
        KeyValue mine = new KeyValue(b.key(), b.value(), b.createRevision(), b.modRevision());
        cacher.delete(PODS + "ns/b", Preconditions.NONE, mine);
        cacher.guaranteedUpdate("/registry/services/ns/s", Preconditions.NONE, true, c -> "{}".getBytes(UTF_8));
        cacher.guaranteedUpdate(PODS + "ns/new", Preconditions.NONE, true, c -> "{}".getBytes(UTF_8));
        assertThat(handed).hasSize(3);
        assertThat(handed.get(0)).isSameAs(mine);
        assertThat(handed.subList(1, 3)).containsOnlyNulls();
    }
}
