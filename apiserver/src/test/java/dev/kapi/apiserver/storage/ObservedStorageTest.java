package dev.kapi.apiserver.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.apiserver.storage.sqlite.SqliteOptions;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared storage contract through {@link ObservedStorage} (what the server puts in front of its backend for
 * {@code etcd_request_duration_seconds}), and what it reports: kube's operation names and type labels, failed
 * calls included, and an observer that throws changes nothing.
 */
class ObservedStorageTest extends StorageContractTests {

    @TempDir
    static Path dir;

    private final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    protected Storage newStorage() {
        return new ObservedStorage(SqliteStorage.open(dir.resolve("observed.db"),
                SqliteOptions.DEFAULTS.withProgressInterval(Duration.ofMillis(500))),
                (operation, type, took) -> seen.add(operation + " " + type), "/registry");
    }

    @Override
    protected Duration progressWait() {
        return Duration.ofSeconds(3);
    }

    @Test
    void eachCallIsReportedWithKubesOperationAndType() {
        String key = "/registry/configmaps/ns/a-" + System.nanoTime();
        seen.clear();
        storage.create(key, "a".getBytes(UTF_8));
        storage.get(key, GetOptions.MOST_RECENT);
        storage.list("/registry/apps/deployments/", ListOptions.ALL);
        assertThat(seen).containsExactly("create configmaps", "get configmaps", "list deployments.apps");
    }

    @Test
    void failedCallsAreReportedToo() {
        seen.clear();
        assertThatThrownBy(() -> storage.delete("/registry/example.com/widgets/ns/none", Preconditions.NONE))
                .isInstanceOf(StorageException.class);
        assertThat(seen).containsExactly("delete widgets.example.com");
    }

    @Test
    void typesAreKubesGroupResourceNames() {
        ObservedStorage observed = (ObservedStorage) storage;
        assertThat(observed.typeOf("/registry/pods/default/p")).isEqualTo("pods");
        assertThat(observed.typeOf("/registry/namespaces/default")).isEqualTo("namespaces");
        assertThat(observed.typeOf("/registry/apps/deployments/ns/d")).isEqualTo("deployments.apps");
        assertThat(observed.typeOf("/registry/batch/jobs/")).isEqualTo("jobs.batch");
        assertThat(observed.typeOf("/registry/stable.example.com/crontabs/ns/c")).isEqualTo("crontabs.stable.example.com");
        assertThat(observed.typeOf("/registry/configmaps/")).isEqualTo("configmaps");
    }
}
