package dev.kapi.apiserver.storage.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Preconditions;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link SqliteConcurrencyTest}: writes keys one after another on the database given
 * as the argument and prints {@code ACK <key> <revision>} after each acknowledged write, until killed.
 */
public final class SqliteCrashWriter {

    private SqliteCrashWriter() {
    }

    public static void main(String[] args) {
        SqliteStorage storage = SqliteStorage.open(Path.of(args[0]));
        for (int i = 0; ; i++) {
            String key = "/crash/k" + (i % 50);
            String value = "v" + i;
            KeyValue written = storage.guaranteedUpdate(key, Preconditions.NONE, true, c -> value.getBytes(UTF_8));
            System.out.println("ACK " + key + " " + value + " " + written.modRevision());
            System.out.flush();
        }
    }
}
