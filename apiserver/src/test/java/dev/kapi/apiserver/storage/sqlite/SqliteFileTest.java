package dev.kapi.apiserver.storage.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchRecorder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only a file-backed store promises: state, history and revisions survive closing and reopening. */
class SqliteFileTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static String text(KeyValue kv) {
        return new String(kv.value(), UTF_8);
    }

    @Test
    void dataSurvivesClosingAndReopening() {
        Path file = dir.resolve("kapi.db");
        KeyValue a;
        KeyValue b;
        long revision;
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            a = storage.create("/r/a", bytes("a1"));
            storage.create("/r/gone", bytes("g"));
            b = storage.create("/r/b", bytes("b1"));
            b = storage.guaranteedUpdate("/r/b", Preconditions.NONE, false, c -> bytes("b2"));
            storage.delete("/r/gone", Preconditions.NONE);
            revision = storage.currentRevision();
        }
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            assertThat(storage.currentRevision()).isEqualTo(revision);
            assertThat(storage.list("/r/", ListOptions.ALL).items())
                    .extracting(KeyValue::key, SqliteFileTest::text, KeyValue::createRevision, KeyValue::modRevision)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("/r/a", "a1", a.createRevision(), a.modRevision()),
                            org.assertj.core.groups.Tuple.tuple("/r/b", "b2", b.createRevision(), b.modRevision()));
            assertThatThrownBy(() -> storage.get("/r/gone"))
                    .isInstanceOfSatisfying(StorageException.class,
                            e -> assertThat(e.code()).isEqualTo(Code.KEY_NOT_FOUND));
            assertThat(storage.create("/r/c", bytes("c")).modRevision()).isEqualTo(revision + 1);
        }
    }

    @Test
    void watchAfterReopenReplaysHistoryFromTheFile() {
        Path file = dir.resolve("history.db");
        long start;
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            start = storage.currentRevision();
            storage.create("/h/a", bytes("a1"));
            storage.guaranteedUpdate("/h/a", Preconditions.NONE, false, c -> bytes("a2"));
            storage.delete("/h/a", Preconditions.NONE);
        }
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            WatchRecorder recorder = new WatchRecorder();
            try (WatchHandle ignored = storage.watch("/h/", WatchOptions.from(start), recorder)) {
                storage.create("/h/b", bytes("b1"));
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(recorder.summary())
                        .containsExactly("ADDED a=a1", "MODIFIED a=a2", "DELETED a=a2", "ADDED b=b1"));
            }
        }
    }

    @Test
    void revisionsKeepIncreasingAcrossCompactionAndReopen() {
        Path file = dir.resolve("revisions.db");
        long before;
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            assertThat(storage.currentRevision()).isEqualTo(1);
            storage.create("/v/a", bytes("a"));
            storage.create("/v/b", bytes("b"));
            storage.delete("/v/b", Preconditions.NONE);
            storage.delete("/v/a", Preconditions.NONE);
            storage.create("/v/c", bytes("c"));
            storage.delete("/v/c", Preconditions.NONE);
            before = storage.currentRevision();
            storage.compact(before);
            assertThat(storage.currentRevision()).isEqualTo(before);
            assertThat(storage.create("/v/d", bytes("d")).modRevision()).isEqualTo(before + 1);
            storage.delete("/v/d", Preconditions.NONE);
            storage.compact(storage.currentRevision());
            before = storage.currentRevision();
        }
        // only the newest tombstone (at the compacted revision itself) is left
        assertThat(SqliteFiles.rows(file)).isEqualTo(1);
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            assertThat(storage.currentRevision()).isEqualTo(before);
            assertThat(storage.create("/v/a", bytes("again")).modRevision()).isEqualTo(before + 1);
            long compacted = before;
            assertThatThrownBy(() -> storage.list("/v/", ListOptions.exact(compacted - 1, 0)))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code()).isEqualTo(Code.EXPIRED));
            assertThat(storage.list("/v/", ListOptions.exact(compacted, 0)).items()).isEmpty();
        }
    }

    @Test
    void theFileIsInWalModeWithIncrementalVacuumAndOpenOnlyOnce() {
        Path file = dir.resolve("pragmas.db");
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            assertThat(storage.isHealthy()).isTrue();
            assertThat(SqliteFiles.query(file, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(SqliteFiles.query(file, "PRAGMA auto_vacuum")).isEqualTo("2");
            assertThatThrownBy(() -> SqliteStorage.open(file))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("already open");
            storage.close();
            assertThat(storage.isHealthy()).isFalse();
        }
        try (SqliteStorage reopened = SqliteStorage.open(file)) {
            assertThat(reopened.isHealthy()).isTrue();
        }
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void theDirectoryDatabaseWalAndSharedMemoryAreTheServersUsersAlone() throws IOException {
        Path file = dir.resolve("data/db/state.db");
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            storage.create("/s/secret", bytes("in clear"));
            assertThat(mode(file.getParent())).isEqualTo("rwx------");
            for (String f : List.of("state.db", "state.db-wal", "state.db-shm", "state.db-kapi.lock")) {
                assertThat(mode(file.resolveSibling(f))).as(f).isEqualTo("rw-------");
            }
            storage.compact(storage.currentRevision());
        }
        // files an older version left readable are tightened when the store opens them again
        for (String f : List.of("state.db", "state.db-kapi.lock")) {
            Files.setPosixFilePermissions(file.resolveSibling(f), PosixFilePermissions.fromString("rw-r--r--"));
        }
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            storage.create("/s/more", bytes("x"));
            for (String f : List.of("state.db", "state.db-wal", "state.db-shm")) {
                assertThat(mode(file.resolveSibling(f))).as(f).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void aFileThatIsNotASqliteDatabaseIsRefused() throws IOException {
        Path file = dir.resolve("garbage.db");
        byte[] garbage = new byte[8192];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(file, garbage);
        assertThatThrownBy(() -> SqliteStorage.open(file))
                .isInstanceOf(StorageException.class)
                .hasMessage("the embedded store " + file + " is not a SQLite database (file is not a database): "
                        + "restore it from a backup or move it away");
        assertThat(Files.readAllBytes(file)).as("left as it was").isEqualTo(garbage);
    }

    @Test
    void aDatabaseThatFailsTheQuickCheckIsRefusedInsteadOfServingErrors() throws IOException {
        Path file = dir.resolve("corrupt.db");
        try (SqliteStorage storage = SqliteStorage.open(file)) {
            for (int i = 0; i < 500; i++) {
                storage.create("/c/" + i, bytes(("value-" + i).repeat(20)));
            }
        }
        long pages = Files.size(file) / 4096;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            // a b-tree page in the middle of the file loses its header
            channel.write(ByteBuffer.wrap(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}), pages / 2 * 4096);
        }
        assertThatThrownBy(() -> SqliteStorage.open(file))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("the embedded store " + file + " is corrupt (SQLite quick_check: ")
                .hasMessageEndingWith("): restore it from a backup or move it away")
                .message().doesNotContain("\n");
    }

    @Test
    void aWatchFromTheCompactedRevisionItselfStillWorks() {
        try (SqliteStorage storage = SqliteStorage.open(dir.resolve("edge.db"))) {
            List<KeyValue> written = List.of(storage.create("/e/a", bytes("1")),
                    storage.guaranteedUpdate("/e/a", Preconditions.NONE, false, c -> bytes("2")),
                    storage.guaranteedUpdate("/e/a", Preconditions.NONE, false, c -> bytes("3")));
            long last = written.get(2).modRevision();
            storage.compact(last);
            WatchRecorder atEdge = new WatchRecorder();
            WatchRecorder tooOld = new WatchRecorder();
            try (WatchHandle one = storage.watch("/e/", WatchOptions.from(last - 1), atEdge);
                 WatchHandle two = storage.watch("/e/", WatchOptions.from(last - 2), tooOld)) {
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    assertThat(atEdge.summary()).containsExactly("MODIFIED a=3");
                    assertThat(tooOld.events()).singleElement()
                            .satisfies(e -> assertThat(e.error().code()).isEqualTo(Code.EXPIRED));
                });
            }
        }
    }

    @Test
    void historyAndInitialStateLongerThanOnePageArriveCompleteAndInOrder() {
        try (SqliteStorage storage = SqliteStorage.open(dir.resolve("pages.db"))) {
            long start = storage.currentRevision();
            List<Long> written = new ArrayList<>();
            for (int i = 0; i < 1100; i++) {
                written.add(storage.create(String.format("/p/k%04d", i), bytes("v" + i)).modRevision());
            }
            WatchRecorder history = new WatchRecorder();
            WatchRecorder state = new WatchRecorder();
            try (WatchHandle one = storage.watch("/p/", WatchOptions.from(start), history);
                 WatchHandle two = storage.watch("/p/", WatchOptions.from(0), state)) {
                KeyValue last = storage.create("/p/last", bytes("last"));
                List<Long> expected = new ArrayList<>(written);
                expected.add(last.modRevision());
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    assertThat(history.revisions()).isEqualTo(expected);
                    assertThat(state.revisions()).isEqualTo(expected);
                });
            }
        }
    }
}
