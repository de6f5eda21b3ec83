package dev.kapi.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.storage.ForwardingStorage;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Keys;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delete without preconditions tries again when the object changed between its read and its delete (as
 * kube's), a bounded number of times: a store whose reads keep lagging its writes gets 409 Conflict, not a
 * server thread recursing until its stack overflows (which once broke SQLite's exception classes for the JVM).
 */
class StoreDeleteConflictTest {

    private static final String NS = "deletes";

    @TempDir
    Path dir;

    private Storage backend;
    private ConflictingDeletes conflicting;
    private Store<ConfigMap> store;

    /** Fails the first {@code conflicts} deletes with CONFLICT, as if the object had just changed. */
    private static final class ConflictingDeletes extends ForwardingStorage {
        final AtomicInteger conflicts = new AtomicInteger();
        final AtomicInteger deletes = new AtomicInteger();

        ConflictingDeletes(Storage delegate) {
            super(delegate);
        }

        @Override
        public KeyValue delete(String key, Preconditions preconditions) {
            deletes.incrementAndGet();
            if (conflicts.getAndDecrement() > 0) {
                throw new StorageException(StorageException.Code.CONFLICT, key, "the object has been modified");
            }
            return super.delete(key, preconditions);
        }
    }

    @BeforeEach
    void open() {
        backend = SqliteStorage.open(dir.resolve("deletes.db"));
        StoreRegistry stores = new StoreRegistry(ResourceRegistryTest.builtIns(), backend, "/registry",
                (definition, storage) -> definition.resource().equals("configmaps")
                        ? conflicting = new ConflictingDeletes(storage) : storage);
        store = stores.find("", "v1", "configmaps", ConfigMap.class).orElseThrow();
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName("a").withNamespace(NS).endMetadata().build();
        backend.create(Keys.object("/registry", "configmaps", NS, "a"), ObjectCodec.encode(cm));
    }

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void aFewConflictsAreRetriedAndTheDeleteSucceeds() {
        conflicting.conflicts.set(3);
        Store.DeleteResult<ConfigMap> result = store.delete(NS, "a", Preconditions.NONE,
                new WriteOptions(false, (obj, old) -> { }, DeletePropagation.UNSET, null));
        assertThat(result.deleted()).isTrue();
        assertThat(conflicting.deletes.get()).isEqualTo(4);
    }

    @Test
    void conflictsThatNeverEndGive409AfterABoundedNumberOfTries() {
        conflicting.conflicts.set(Integer.MAX_VALUE);
        assertThatThrownBy(() -> store.delete(NS, "a", Preconditions.NONE,
                new WriteOptions(false, (obj, old) -> { }, DeletePropagation.UNSET, null)))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(409));
        assertThat(conflicting.deletes.get()).isEqualTo(StoreDeleter.MAX_ATTEMPTS);
        assertThat(backend.get(Keys.object("/registry", "configmaps", NS, "a"))).isNotNull();
    }
}
