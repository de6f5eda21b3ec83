package dev.kapi.apiserver.storage.readcheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.sqlite.SqliteOptions;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The race of {@code LinearizableReadTests} catches a broken cache ({@link StaleStorage}): reads a few
 * revisions old, and watches that lose changes; and passes the backend itself.
 */
class StaleStorageDetectionTest {

    @TempDir
    static Path dir;

    private static Storage backend;

    @BeforeAll
    static void open() {
        backend = SqliteStorage.open(dir.resolve("stale.db"),
                SqliteOptions.DEFAULTS.withProgressInterval(Duration.ofMillis(300)));
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static List<String> race(Storage decorated) throws InterruptedException {
        String prefix = "/stale-" + UUID.randomUUID() + "/";
        List<String> violations = ReadRace.run(backend, decorated, prefix, Duration.ofSeconds(2), Duration.ofSeconds(3))
                .violations();
        System.out.println(violations.size() + " violations caught, e.g. "
                + violations.stream().map(v -> v.substring(0, Math.min(v.length(), 300))).limit(3).toList());
        return violations;
    }

    @Test
    void readsAFewRevisionsOldAreCaught() throws InterruptedException {
        List<String> violations = race(new StaleStorage(backend, 5, 0));

        assertThat(violations).anyMatch(v -> v.startsWith("list MOST_RECENT") && v.contains("outside"))
                .anyMatch(v -> v.startsWith("list NOT_OLDER_THAN") && v.contains("outside"))
                .anyMatch(v -> v.startsWith("get MOST_RECENT") || v.startsWith("get NOT_OLDER_THAN"))
                .noneMatch(v -> v.contains("watch"));
    }

    @Test
    void watchesThatLoseChangesAreCaught() throws InterruptedException {
        List<String> violations = race(new StaleStorage(backend, 0, 10));

        assertThat(violations).anyMatch(v -> v.startsWith("watch of the prefix from"))
                .anyMatch(v -> v.startsWith("resumed watch from"))
                .noneMatch(v -> v.startsWith("get") || v.startsWith("list"));
    }

    @Test
    void theBackendItselfPasses() throws InterruptedException {
        assertThat(race(new StaleStorage(backend, 0, 0))).isEmpty();
    }
}
