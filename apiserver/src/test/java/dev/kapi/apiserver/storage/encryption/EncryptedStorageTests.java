package dev.kapi.apiserver.storage.encryption;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageContractTests;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchRecorder;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Encryption at rest on a backend: the whole storage contract through an {@link EncryptingStorage} (aescbc,
 * key1), and what encryption itself promises, checked on the bytes the backend holds: every write path stores
 * {@code k8s:enc:aescbc:v1:key1:} and never the plain value, every read path (get, list, watch with previous
 * values, watch replay) answers the plain value, keys rotate by order, plain data stays readable behind identity,
 * and a value no provider reads is a clear INTERNAL error that changes nothing. Each backend extends this.
 */
public abstract class EncryptedStorageTests extends StorageContractTests {

    private static final String PREFIX = "k8s:enc:aescbc:v1:key1:";
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** The storage under the encryption; the same one for the whole class. */
    protected Storage backend;

    /** A new backend for this class, closed after all tests (through the encrypting storage). */
    protected abstract Storage newBackend();

    @Override
    protected Storage newStorage() {
        backend = newBackend();
        return new EncryptingStorage(backend, transformer("aescbc: {keys: [{name: key1, secret: %s}]}"));
    }

    /** The transformer of secrets in a configuration with these providers (%s stand for key1, key2). */
    static ValueTransformer transformer(String... providers) {
        StringBuilder rules = new StringBuilder("  - resources: [secrets]\n    providers:\n");
        for (String p : providers) {
            rules.append("      - ").append(p.formatted(EncryptionConfigurationTest.K1, EncryptionConfigurationTest.K2))
                    .append('\n');
        }
        return EncryptionConfigurationTest.parse(rules.toString()).transformerFor("", "secrets").orElseThrow();
    }

    private static String root() {
        return "/enc-" + UUID.randomUUID() + "/secrets/";
    }

    private static byte[] secret(String name, String password) {
        return ("{\"metadata\":{\"name\":\"" + name + "\",\"uid\":\"uid-" + name + "\"},\"data\":{\"password\":\""
                + password + "\"}}").getBytes(UTF_8);
    }

    private String raw(String key) {
        return new String(backend.get(key).value(), UTF_8);
    }

    private static String text(KeyValue kv) {
        return new String(kv.value(), UTF_8);
    }

    @Test
    void everyWritePathStoresCiphertextAndEveryReadPathAnswersPlaintext() {
        String root = root();
        WatchRecorder replayed = new WatchRecorder();
        WatchRecorder live = new WatchRecorder();
        KeyValue a = storage.create(root + "a", secret("a", "hunter2"));
        assertThat(text(a)).contains("hunter2");
        try (WatchHandle w = storage.watch(root, WatchOptions.from(a.modRevision()), live)) {
            storage.create(root + "b", secret("b", "swordfish"));
            KeyValue updated = storage.guaranteedUpdate(root + "a", Preconditions.uid("uid-a"), false,
                    current -> new String(current.value(), UTF_8).replace("hunter2", "correcthorse").getBytes(UTF_8));
            assertThat(text(updated)).contains("correcthorse");
            KeyValue deleted = storage.delete(root + "b", Preconditions.uid("uid-b"));
            assertThat(text(deleted)).contains("swordfish");

            assertThat(raw(root + "a")).startsWith(PREFIX).doesNotContain("correcthorse").doesNotContain("uid-a");
            assertThat(text(storage.get(root + "a"))).contains("correcthorse");
            assertThat(storage.list(root, ListOptions.ALL).items()).extracting(EncryptedStorageTests::text)
                    .singleElement().asString().contains("correcthorse");
            assertThat(backend.list(root, ListOptions.ALL).items()).extracting(EncryptedStorageTests::text)
                    .singleElement().asString().startsWith(PREFIX);

            await().atMost(WAIT).until(() -> live.changes().size() == 3);
            List<WatchEvent> events = live.changes();
            assertThat(events).extracting(WatchEvent::type)
                    .containsExactly(WatchEvent.Type.ADDED, WatchEvent.Type.MODIFIED, WatchEvent.Type.DELETED);
            assertThat(text(events.get(0).current())).contains("swordfish");
            assertThat(text(events.get(1).current())).contains("correcthorse");
            assertThat(text(events.get(1).previous())).contains("hunter2");
            assertThat(text(events.get(2).current())).contains("swordfish");
        }
        try (WatchHandle w = storage.watch(root, WatchOptions.from(0), replayed)) {
            await().atMost(WAIT).until(() -> replayed.changes().size() == 1);
            assertThat(text(replayed.changes().getFirst().current())).contains("correcthorse");
        }
        WatchRecorder history = new WatchRecorder();
        try (WatchHandle w = storage.watch(root, WatchOptions.from(a.modRevision() - 1), history)) {
            await().atMost(WAIT).until(() -> history.changes().size() == 4);
            assertThat(text(history.changes().getFirst().current())).contains("hunter2");
        }
    }

    @Test
    void aValueMovedToAnotherKeyDoesNotReadUnderAesGcm() {
        String root = root();
        EncryptingStorage gcm = new EncryptingStorage(backend, transformer("aesgcm: {keys: [{name: k, secret: %s}]}"));
        gcm.create(root + "a", secret("a", "hunter2"));
        backend.create(root + "b", backend.get(root + "a").value());
        assertThat(text(gcm.get(root + "a"))).contains("hunter2");
        assertThatThrownBy(() -> gcm.get(root + "b")).isInstanceOf(StorageException.class)
                .hasMessage("unable to transform key \"" + root + "b\": cipher: message authentication failed");
    }

    @Test
    void anotherKeyFirstWritesWithItReadsTheOldOneAndARewriteMovesEveryValueToIt() {
        String root = root();
        storage.create(root + "old", secret("old", "hunter2"));
        EncryptingStorage rotated = new EncryptingStorage(backend,
                transformer("aescbc: {keys: [{name: key2, secret: %2$s}, {name: key1, secret: %1$s}]}"));
        EncryptingStorage onlyKey2 = new EncryptingStorage(backend,
                transformer("aescbc: {keys: [{name: key2, secret: %2$s}]}"));

        rotated.create(root + "new", secret("new", "swordfish"));
        assertThat(raw(root + "new")).startsWith("k8s:enc:aescbc:v1:key2:");
        assertThat(text(rotated.get(root + "old"))).contains("hunter2");
        assertThatThrownBy(() -> storage.get(root + "new")).hasMessageEndingWith("no matching key was found for "
                + "the provided AES transformer");
        long before = backend.get(root + "old").modRevision();

        // kubectl get secrets -o json | kubectl replace -f -: an update that changes nothing still rewrites
        KeyValue rewritten = rotated.guaranteedUpdate(root + "old", Preconditions.NONE, false, KeyValue::value);
        assertThat(rewritten.modRevision()).isGreaterThan(before);
        assertThat(raw(root + "old")).startsWith("k8s:enc:aescbc:v1:key2:");
        // and once in the first key's form, an update that changes nothing writes nothing
        KeyValue again = rotated.guaranteedUpdate(root + "old", Preconditions.NONE, false, KeyValue::value);
        assertThat(again.modRevision()).isEqualTo(rewritten.modRevision());

        assertThat(onlyKey2.list(root, ListOptions.ALL).items()).extracting(EncryptedStorageTests::text)
                .allMatch(s -> s.contains("hunter2") || s.contains("swordfish"));
    }

    @Test
    void plainValuesStayReadableBehindIdentityAndAreEncryptedByTheirNextUpdate() {
        String root = root();
        backend.create(root + "plain", secret("plain", "hunter2"));
        EncryptingStorage enabling = new EncryptingStorage(backend,
                transformer("aescbc: {keys: [{name: key1, secret: %s}]}", "identity: {}"));

        assertThat(text(enabling.get(root + "plain"))).contains("hunter2");
        enabling.guaranteedUpdate(root + "plain", Preconditions.NONE, false, KeyValue::value);
        assertThat(raw(root + "plain")).startsWith(PREFIX).doesNotContain("hunter2");
        assertThat(text(storage.get(root + "plain"))).contains("hunter2");
    }

    @Test
    void aValueNoProviderReadsIsAnInternalErrorOnEveryPathAndIsLeftAsItWas() {
        String root = root();
        storage.create(root + "ok", secret("ok", "x"));
        EncryptingStorage otherKey = new EncryptingStorage(backend,
                transformer("aescbc: {keys: [{name: key9, secret: %2$s}]}"));
        KeyValue stored = backend.get(root + "ok");
        String message = "unable to transform key \"" + root + "ok\": no matching key was found for the provided "
                + "AES transformer";

        for (Runnable read : List.<Runnable>of(
                () -> otherKey.get(root + "ok"),
                () -> otherKey.list(root, ListOptions.ALL),
                () -> otherKey.delete(root + "ok", Preconditions.NONE),
                () -> otherKey.guaranteedUpdate(root + "ok", Preconditions.NONE, false, KeyValue::value))) {
            assertThatThrownBy(read::run).isInstanceOf(StorageException.class).hasMessage(message)
                    .extracting(e -> ((StorageException) e).code()).isEqualTo(StorageException.Code.INTERNAL);
        }
        assertThat(backend.get(root + "ok").value()).isEqualTo(stored.value());
        assertThat(backend.get(root + "ok").modRevision()).isEqualTo(stored.modRevision());

        WatchRecorder watch = new WatchRecorder();
        try (WatchHandle w = otherKey.watch(root, WatchOptions.from(0), watch)) {
            await().atMost(WAIT).until(() -> !watch.changes().isEmpty());
            storage.create(root + "later", secret("later", "y"));
            await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> watch.changes().size() == 1);
            assertThat(watch.changes()).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(WatchEvent.Type.ERROR);
                assertThat(e.error()).hasMessage(message);
            });
        }
    }
}
