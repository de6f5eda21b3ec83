package dev.kapi.apiserver.storage.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.Preconditions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Compaction removes superseded rows and tombstones, keeps every readable revision, and bounds the file. */
class SqliteCompactionTest {

    private static final int KEYS = 100;

    @TempDir
    Path dir;

    private static byte[] value(String key, int round) {
        return (key + "#" + round + "#" + "x".repeat(1000)).getBytes(UTF_8);
    }

    private static void updateAll(SqliteStorage storage, int round) {
        for (int k = 0; k < KEYS; k++) {
            String key = "/g/k" + k;
            storage.guaranteedUpdate(key, Preconditions.NONE, true, c -> value(key, round));
        }
    }

    @Test
    void updatingTheSameKeysManyTimesDoesNotGrowTheFile() {
        Path file = dir.resolve("bounded.db");
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            updateAll(storage, 0);
            storage.compact(storage.currentRevision());
            List<Long> pages = new ArrayList<>();
            for (int round = 1; round <= 20; round++) {
                updateAll(storage, round);
                if (round % 5 == 0) {
                    storage.compact(storage.currentRevision());
                    assertThat(SqliteFiles.rows(file)).isEqualTo(KEYS);
                    pages.add(SqliteFiles.pages(file));
                }
            }
            // 2,100 writes of ~1 KiB (stored twice: value and old value) would need > 1,000 pages of 4 KiB;
            // 100 live rows need about 60 (about 100 once pages are fragmented), and no more ever after
            assertThat(pages).allSatisfy(p -> assertThat(p).isLessThan(150));
            assertThat(pages.get(pages.size() - 1)).isLessThanOrEqualTo(pages.get(1) + 5);
            assertThat(SqliteFiles.count(file, "PRAGMA freelist_count")).isLessThan(10);
            assertThat(storage.list("/g/", ListOptions.ALL).items()).hasSize(KEYS)
                    .allSatisfy(kv -> assertThat(new String(kv.value(), UTF_8)).contains("#20#"));
        }
    }

    /** Rows of one key and what compaction to a revision leaves of them. */
    static Stream<Arguments> compactionCases() {
        return Stream.of(
                Arguments.of("superseded rows below the revision go", List.of("put", "put", "put"), 0, 1),
                Arguments.of("rows from the revision on stay", List.of("put", "put", "put"), -2, 2),
                Arguments.of("a tombstone below the revision goes with its history",
                        List.of("put", "put", "delete"), 0, 0),
                Arguments.of("a tombstone at the revision stays", List.of("put", "delete"), -1, 1),
                Arguments.of("recreated key keeps only the new row", List.of("put", "delete", "put"), 0, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compactionCases")
    void compactionKeepsOnlyWhatReadsAtOrAfterTheRevisionNeed(String name, List<String> ops, int offset,
                                                             long rowsLeft) {
        Path file = dir.resolve("case.db");
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            List<Long> revisions = new ArrayList<>();
            for (String op : ops) {
                revisions.add(op.equals("delete")
                        ? storage.delete("/c/k", Preconditions.NONE).modRevision()
                        : storage.guaranteedUpdate("/c/k", Preconditions.NONE, true,
                                c -> ("v" + revisions.size()).getBytes(UTF_8)).modRevision());
            }
            storage.create("/other/marker", new byte[] {'m'});
            long target = storage.currentRevision() + offset;
            List<KeyValue> before = storage.list("/c/", ListOptions.exact(target, 0)).items();
            storage.compact(target);
            assertThat(SqliteFiles.count(file, "SELECT COUNT(*) FROM kine WHERE name = '/c/k'")).isEqualTo(rowsLeft);
            assertThat(storage.list("/c/", ListOptions.exact(target, 0)).items())
                    .usingRecursiveFieldByFieldElementComparator().isEqualTo(before);
        }
    }

    @Test
    void scheduledCompactionKeepsTheNewestRevisions() {
        Path file = dir.resolve("scheduled.db");
        SqliteOptions options = SqliteOptions.DEFAULTS.withCompaction(Duration.ofMillis(100), 20);
        try (SqliteStorage storage = SqliteStorage.open(file, options)) {
            for (int i = 0; i < 100; i++) {
                int round = i;
                storage.guaranteedUpdate("/s/k", Preconditions.NONE, true, c -> value("/s/k", round));
            }
            long current = storage.currentRevision();
            await().atMost(Duration.ofSeconds(5)).until(() -> SqliteFiles.rows(file) == 21);
            assertThat(storage.list("/s/", ListOptions.exact(current - 20, 0)).items()).hasSize(1);
        }
    }
}
