package dev.kapi.apiserver.storage.etcd3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.testing.EtcdExtension;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * kube's etcd compactor ({@code --etcd-compaction-interval}) on a private etcd each: compaction is etcd-wide,
 * and the shared test etcd's history belongs to the other test classes.
 */
class EtcdCompactorTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private LocalEtcdProcess etcd;
    private Client client;
    private KV kv;

    @BeforeEach
    void start() {
        etcd = EtcdExtension.startPrivate();
        client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
        kv = client.getKVClient();
    }

    @AfterEach
    void stop() {
        client.close();
        etcd.close();
    }

    private long put(String key) {
        return EtcdCalls.await(kv.put(EtcdCalls.bytes(key), EtcdCalls.bytes("x")), TIMEOUT, key).getHeader()
                .getRevision();
    }

    /** Whether a read at {@code revision} finds the history there compacted away. */
    private boolean compactedAt(long revision) {
        StorageException e = catchThrowableOfType(StorageException.class, () -> EtcdCalls.await(
                kv.get(EtcdCalls.bytes("/k"), GetOption.builder().withRevision(revision).build()), TIMEOUT, "/k"));
        return e != null && e.code() == StorageException.Code.EXPIRED;
    }

    @Test
    void aRoundCompactsToTheRevisionTheRoundBeforeSaw() {
        long old = put("/k");
        EtcdCompactor.Round first = EtcdCompactor.round(kv, TIMEOUT, EtcdCompactor.Round.FIRST);
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.revision()).isGreaterThan(old);
        assertThat(compactedAt(old)).as("the first round only records").isFalse();

        long later = put("/k");
        EtcdCompactor.Round second = EtcdCompactor.round(kv, TIMEOUT, first);
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.revision()).isGreaterThan(later);
        assertThat(compactedAt(old)).isTrue();
        assertThat(compactedAt(first.revision())).as("history from the recorded revision on is kept").isFalse();
        assertThat(compactedAt(later)).isFalse();
        assertThat(new String(EtcdCalls.await(kv.get(EtcdCalls.bytes(EtcdCompactor.KEY)), TIMEOUT, "")
                .getKvs().getFirst().getValue().getBytes())).isEqualTo(Long.toString(first.revision()));
    }

    @Test
    void serversOnOneEtcdTakeTurns() {
        put("/k");
        EtcdCompactor.Round a1 = EtcdCompactor.round(kv, TIMEOUT, EtcdCompactor.Round.FIRST);
        put("/k");
        // B comes second: it learns the key's version and does not compact
        EtcdCompactor.Round b1 = EtcdCompactor.round(kv, TIMEOUT, EtcdCompactor.Round.FIRST);
        assertThat(b1.version()).isEqualTo(1);
        assertThat(b1.revision()).isGreaterThan(a1.revision());
        assertThat(compactedAt(a1.revision())).isFalse();
        // B's next round wins and compacts to what it saw; A, a round behind, only learns
        EtcdCompactor.Round b2 = EtcdCompactor.round(kv, TIMEOUT, b1);
        assertThat(b2.version()).isEqualTo(2);
        assertThat(compactedAt(a1.revision())).isTrue();
        EtcdCompactor.Round a2 = EtcdCompactor.round(kv, TIMEOUT, a1);
        assertThat(a2.version()).isEqualTo(2);
        assertThat(compactedAt(b1.revision())).isFalse();
        // and A's next round compacts again
        assertThat(EtcdCompactor.round(kv, TIMEOUT, a2).version()).isEqualTo(3);
        assertThat(compactedAt(b1.revision())).isTrue();
    }

    @Test
    void aStorageCompactsEveryIntervalUntilClosed() {
        long old = put("/k");
        EtcdStorage storage = EtcdStorage.connect(etcd.endpoints());
        try (storage) {
            storage.compactEvery(Duration.ofMillis(200));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                put("/k"); // keeps the revision moving, as a server's writes do
                return compactedAt(old);
            });
            assertThat(storage.compactorStopped()).isFalse();
        }
        await().atMost(Duration.ofSeconds(5)).until(storage::compactorStopped);
    }
}
