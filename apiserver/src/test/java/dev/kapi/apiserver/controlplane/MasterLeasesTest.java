package dev.kapi.apiserver.controlplane;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The master leases on both backends, with a clock the test moves: a lease is live for 15 s after its last
 * renewal, an expired one is no longer listed and its key is deleted, a removed one is gone at once.
 */
@ExtendWith(EtcdExtension.class)
class MasterLeasesTest {

    @TempDir
    Path dir;
    private Storage storage;

    /** A clock the test sets. */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private String open(String backend) {
        if (backend.equals("etcd")) {
            storage = EtcdStorage.connect(EtcdExtension.endpoints());
            return EtcdExtension.randomPrefix();
        }
        storage = SqliteStorage.open(dir.resolve("leases.db"));
        return "/registry";
    }

    @AfterEach
    void close() {
        if (storage != null) {
            storage.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "embedded"})
    void leasesLiveForTheTtlAfterTheirLastRenewal(String backend) {
        String prefix = open(backend);
        TestClock clock = new TestClock();
        MasterLeases leases = new MasterLeases(storage, prefix, clock);
        leases.renew("10.0.0.2", 6443);
        leases.renew("10.0.0.1", 6443);
        assertThat(leases.live()).containsExactly(new MasterLeases.Master("10.0.0.1", 6443),
                new MasterLeases.Master("10.0.0.2", 6443));

        clock.advance(Duration.ofSeconds(10));
        leases.renew("10.0.0.1", 6443); // .2 was killed: it renews no more
        clock.advance(Duration.ofSeconds(5).plusMillis(1));
        assertThat(leases.live()).containsExactly(new MasterLeases.Master("10.0.0.1", 6443));
        assertThatThrownBy(() -> storage.get(prefix + "/masterleases/10.0.0.2"))
                .as("the expired lease's key is deleted, as etcd's TTL would")
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(StorageException.Code.KEY_NOT_FOUND));

        clock.advance(Duration.ofSeconds(9));
        assertThat(leases.live()).as("14 s after its renewal").hasSize(1);
        leases.remove("10.0.0.1");
        assertThat(leases.live()).isEmpty();
        leases.remove("10.0.0.1"); // removing what is gone is fine
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "embedded"})
    void aRecordThatCannotBeReadCountsAsExpired(String backend) {
        String prefix = open(backend);
        storage.create(prefix + "/masterleases/10.0.0.9", "not json".getBytes());
        MasterLeases leases = new MasterLeases(storage, prefix, new TestClock());
        leases.renew("10.0.0.1", 6443);
        assertThat(leases.live()).containsExactly(new MasterLeases.Master("10.0.0.1", 6443));
    }
}
