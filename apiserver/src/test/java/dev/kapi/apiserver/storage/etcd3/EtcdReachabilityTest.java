package dev.kapi.apiserver.storage.etcd3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchRecorder;
import dev.kapi.apiserver.testing.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * While etcd is unreachable the log says so once, and once more with the count of failed calls when it
 * answers again: not a line (or a stack trace) per failed call, and nothing about calls after close.
 */
class EtcdReachabilityTest {

    private static final int FAILED_CALLS = 6;

    @Test
    void anOutageIsLoggedOncePerStateChangeWithTheCountOfFailedCalls() {
        LocalEtcdProcess etcd = EtcdExtension.startPrivate();
        Logger logger = Logger.getLogger(EtcdReachability.class.getName());
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        // another Spring application in this JVM (the OIDC test provider, root level warn) may have lowered
        // java.util.logging's levels; this test reads the INFO line itself
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO);
        try {
            EtcdStorage storage = EtcdStorage.connect(etcd.endpoints(), Duration.ofSeconds(1), Duration.ofSeconds(1));
            String prefix = EtcdExtension.randomPrefix() + "/";
            storage.create(prefix + "a", "1".getBytes());
            storage.watch(prefix, WatchOptions.from(storage.currentRevision()), new WatchRecorder());

            etcd.kill();
            for (int i = 0; i < FAILED_CALLS; i++) {
                assertThatThrownBy(() -> storage.get(prefix + "a")).isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(StorageException.Code.UNREACHABLE));
            }
            assertThat(records).hasSize(1);
            assertThat(records.getFirst().getLevel()).isEqualTo(Level.WARNING);
            assertThat(records.getFirst().getMessage()).contains("is unreachable").contains(etcd.endpoint());
            assertThat(records.getFirst().getThrown()).isNull();

            etcd.ensureRunning();
            await().atMost(Duration.ofSeconds(30)).until(storage::isHealthy);
            assertThat(storage.get(prefix + "a").value()).isEqualTo("1".getBytes());
            // the first answer may come on the watch hub's thread (the reopened stream), logged from there
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(records).hasSize(2));
            assertThat(records.get(1).getLevel()).isEqualTo(Level.INFO);
            assertThat(records.get(1).getMessage()).contains("answers again");
            int counted = Integer.parseInt(records.get(1).getMessage().replaceAll(".*after (\\d+) failed call.*", "$1"));
            assertThat(counted).isGreaterThanOrEqualTo(FAILED_CALLS);

            storage.close();
            assertThatThrownBy(() -> storage.get(prefix + "a")).hasMessageContaining("storage is closed");
            assertThat(records).hasSize(2);
        } finally {
            logger.setLevel(level);
            logger.removeHandler(capture);
            etcd.close();
        }
    }
}
