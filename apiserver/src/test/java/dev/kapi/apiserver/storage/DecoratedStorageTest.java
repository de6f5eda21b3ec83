package dev.kapi.apiserver.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.storage.sqlite.SqliteOptions;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared storage contract on a decorated storage: a pass-through decorator (as a watch cache will sit)
 * in front of the embedded store, which must keep every promise of the backend behind it; and every read
 * reaches the decorator with its options as the caller built them.
 */
class DecoratedStorageTest extends StorageContractTests {

    @TempDir
    static Path dir;

    private RecordingStorage recording;

    @Override
    protected Storage newStorage() {
        recording = new RecordingStorage(SqliteStorage.open(dir.resolve("decorated.db"),
                SqliteOptions.DEFAULTS.withProgressInterval(Duration.ofMillis(500))));
        return recording;
    }

    @Override
    protected Duration progressWait() {
        return Duration.ofSeconds(3);
    }

    @Test
    void everyReadArrivesWithItsOptionsIntact() {
        String root = "/decorated-" + UUID.randomUUID() + "/";
        KeyValue a = storage.create(root + "a", "a".getBytes(UTF_8));
        storage.create(root + "b", "b".getBytes(UTF_8));
        String token = storage.list(root, ListOptions.limit(1)).continueToken();
        recording.clear();

        List<GetOptions> gets = List.of(GetOptions.MOST_RECENT, GetOptions.ANY,
                GetOptions.notOlderThan(a.modRevision()));
        gets.forEach(options -> storage.get(root + "a", options));
        storage.get(root + "a"); // the SPI's shorthand reaches the decorator as the most recent read
        List<ListOptions> lists = List.of(ListOptions.ALL, new ListOptions(ReadRevision.ANY, 5, null),
                new ListOptions(ReadRevision.notOlderThan(a.modRevision()), 0, null),
                ListOptions.exact(a.modRevision(), 1), ListOptions.continueFrom(token, 1));
        lists.forEach(options -> storage.list(root, options));

        List<RecordingStorage.Call> calls = recording.callsUnder(root);
        assertThat(calls).extracting(RecordingStorage.Call::op)
                .containsExactly("get", "get", "get", "get", "list", "list", "list", "list", "list");
        for (int i = 0; i < gets.size(); i++) {
            assertThat(calls.get(i).options()).isSameAs(gets.get(i));
        }
        assertThat(calls.get(3).options()).isEqualTo(GetOptions.MOST_RECENT);
        for (int i = 0; i < lists.size(); i++) {
            assertThat(calls.get(4 + i).options()).isSameAs(lists.get(i));
        }
    }
}
