package dev.kapi.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.storage.Keys;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delete is validated (admitted) on the very revision it deletes or marks: when the object changes between
 * the check and the write, the write conflicts and the check runs again on what changed, whatever preconditions
 * the client gave (kube's {@code validateDeletion} inside its conditional delete).
 */
class StoreDeleteAdmissionTest {

    private static final String NS = "deletes";

    @TempDir
    Path dir;

    private Storage backend;
    private Store<ConfigMap> store;
    private String key;
    private String uid;

    @BeforeEach
    void open() {
        backend = SqliteStorage.open(dir.resolve("deletes.db"));
        StoreRegistry stores = new StoreRegistry(ResourceRegistryTest.builtIns(), backend, "/registry",
                (definition, storage) -> storage);
        store = stores.find("", "v1", "configmaps", ConfigMap.class).orElseThrow();
        key = Keys.object("/registry", "configmaps", NS, "a");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    private void stored(List<String> finalizers) {
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName("a").withNamespace(NS)
                .withUid("uid-a").withFinalizers(finalizers).endMetadata().build();
        backend.create(key, ObjectCodec.encode(cm));
        uid = "uid-a";
    }

    /**
     * Admission that refuses to delete a protected object, and (on its first call) protects the object right
     * after allowing its delete: the change lands between the check and the write.
     */
    private WriteOptions protectingAdmission(AtomicInteger checks) {
        WriteOptions.ObjectValidation validation = (HasMetadata obj, HasMetadata old) -> {
            checks.incrementAndGet();
            if (old.getMetadata().getLabels() != null && old.getMetadata().getLabels().containsKey("protected")) {
                throw StatusError.forbidden(new GroupResource("", "configmaps"), "a", "the object is protected");
            }
            if (checks.get() == 1) {
                backend.guaranteedUpdate(key, Preconditions.NONE, false, kv -> {
                    ConfigMap cm = ObjectCodec.decode(kv, ConfigMap.class);
                    cm.getMetadata().setLabels(java.util.Map.of("protected", "true"));
                    return ObjectCodec.encode(cm);
                });
            }
        };
        return new WriteOptions(false, validation, DeletePropagation.UNSET, null);
    }

    @Test
    void aDeleteWithAUidPreconditionIsCheckedAgainOnAChangeAndRefused() {
        stored(List.of());
        AtomicInteger checks = new AtomicInteger();
        assertThatThrownBy(() -> store.delete(NS, "a", Preconditions.uid(uid), protectingAdmission(checks)))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(403));
        assertThat(checks.get()).isEqualTo(2);
        assertThat(backend.get(key)).isNotNull();
    }

    @Test
    void aDeleteThatMarksAnObjectIsCheckedAgainOnAChangeAndRefused() {
        stored(List.of("example.com/hold"));
        AtomicInteger checks = new AtomicInteger();
        assertThatThrownBy(() -> store.delete(NS, "a", Preconditions.NONE, protectingAdmission(checks)))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(403));
        assertThat(checks.get()).isEqualTo(2);
        ConfigMap kept = ObjectCodec.decode(backend.get(key), ConfigMap.class);
        assertThat(kept.getMetadata().getDeletionTimestamp()).isNull();
    }

    @Test
    void aUidPreconditionThatFailsIsA409AndNotTriedAgain() {
        stored(List.of());
        AtomicInteger checks = new AtomicInteger();
        assertThatThrownBy(() -> store.delete(NS, "a", Preconditions.uid("other"), protectingAdmission(checks)))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("UID in precondition: other");
                });
        assertThat(checks.get()).isZero();
    }

    @Test
    void aDeleteWithAUidPreconditionStillDeletesWhenNothingChanges() {
        stored(List.of());
        Store.DeleteResult<ConfigMap> result = store.delete(NS, "a", Preconditions.uid(uid),
                new WriteOptions(false, (obj, old) -> { }, DeletePropagation.UNSET, null));
        assertThat(result.deleted()).isTrue();
        assertThatThrownBy(() -> backend.get(key)).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.code()).isEqualTo(StorageException.Code.KEY_NOT_FOUND));
    }
}
