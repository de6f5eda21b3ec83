package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import dev.kapi.apiserver.testing.Tmpfs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that cannot start says why in one line ({@code Error: ...}), without a stack trace, and exits
 * non-zero: a data dir on a read-only disk, a database that is not SQLite or fails the quick check, a port in
 * use, and an embedded store lost from a data dir that served before (which starts again, empty, only when
 * asked with {@code --allow-empty-store}).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class StartupFailuresIT {

    private static Path freshDataDir(String name) {
        return KapiServerExtension.e2eDir().resolve(name + "-" + System.nanoTime());
    }

    /** Runs the server on {@code dataDir} expecting it to fail, and returns its single error line. */
    private static String errorLine(String name, Path dataDir, int port, List<String> args) {
        return KapiServer.runToExit(name, dataDir, port, args).singleErrorLine();
    }

    private static String errorLine(String name, Path dataDir, List<String> args) throws IOException {
        return errorLine(name, dataDir, KapiServer.freePort(), args);
    }

    @Test
    void aMisspeltFlagIsRefusedAsKubeRefusesIt() throws IOException {
        assertThat(errorLine("unknown-flag", freshDataDir("unknown-flag"),
                List.of("--etcd-server=http://127.0.0.1:2379")))
                .isEqualTo("Error: unknown flag: --etcd-server");
    }

    /**
     * A flag value the server cannot use is one line naming the flag, as kube-apiserver's flag library says it:
     * a value of the wrong type, a file that is not there, a mode or range Kapi does not serve. Before, these
     * stopped the server with pages of bean-creation stack traces.
     */
    @Test
    void aFlagValueTheServerCannotUseIsOneLine() throws IOException {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("--anonymous-auth=maybe", "Error: invalid argument \"maybe\" for \"--anonymous-auth\" flag: "
                + "strconv.ParseBool: parsing \"maybe\": invalid syntax");
        cases.put("--max-mutating-requests-inflight=abc", "Error: invalid argument \"abc\" for "
                + "\"--max-mutating-requests-inflight\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax");
        cases.put("--token-auth-file=/nonexistent/tokens.csv",
                "Error: --token-auth-file: open /nonexistent/tokens.csv: no such file or directory");
        cases.put("--service-cluster-ip-range=bad", "Error: service-cluster-ip-range[0] is not a valid cidr: bad");
        cases.put("--authorization-mode=Node,RBAC", "Error: --authorization-mode Node is not supported by Kapi "
                + "(supported: RBAC, Webhook, AlwaysAllow, AlwaysDeny)");
        cases.put("--authorization-config=/nonexistent/authz.yaml",
                "Error: --authorization-config: open /nonexistent/authz.yaml: no such file or directory");
        cases.put("--etcd-servers=localhost:2379", "Error: --etcd-servers localhost:2379: localhost:2379 is not a "
                + "URL such as http://127.0.0.1:2379 or https://etcd-0:2379");
        cases.put("--secure-port=70000", "Error: --secure-port 70000 must be between 1 and 65535, inclusive (0 "
                + "listens on a free port)");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertThat(errorLine("bad-flag", freshDataDir("bad-flag"), List.of(c.getKey()))).as(c.getKey())
                    .isEqualTo(c.getValue());
        }
    }

    @Test
    void aDataDirOnAReadOnlyDisk() throws IOException {
        try (Tmpfs disk = Tmpfs.mount(freshDataDir("readonly-disk"), "4m")) {
            Path data = Files.createDirectory(disk.path().resolve("data"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            disk.remountReadOnly();
            assertThat(errorLine("readonly", data, List.of()))
                    .isEqualTo("Error: the data dir " + data + " is not writable: Read-only file system");
        }
    }

    @Test
    void aDatabaseThatIsNotSqlite() throws IOException {
        Path data = freshDataDir("not-sqlite");
        Path db = Files.createDirectories(data.resolve("db")).resolve("state.db");
        byte[] garbage = new byte[16384];
        new Random(3).nextBytes(garbage);
        Files.write(db, garbage);
        assertThat(errorLine("not-sqlite", data, List.of())).isEqualTo("Error: the embedded store " + db
                + " is not a SQLite database (file is not a database): restore it from a backup or move it away");
        assertThat(Files.readAllBytes(db)).as("left as it was").isEqualTo(garbage);
    }

    @Test
    void aDatabaseThatFailsTheQuickCheck() throws IOException {
        Path data = freshDataDir("corrupt");
        Path db = Files.createDirectories(data.resolve("db")).resolve("state.db");
        try (SqliteStorage storage = SqliteStorage.open(db)) {
            for (int i = 0; i < 500; i++) {
                storage.create("/registry/configmaps/default/c" + i, ("value-" + i).repeat(20).getBytes());
            }
        }
        try (FileChannel channel = FileChannel.open(db, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}), Files.size(db) / 4096 / 2 * 4096);
        }
        assertThat(errorLine("corrupt", data, List.of()))
                .startsWith("Error: the embedded store " + db + " is corrupt (SQLite quick_check: ")
                .endsWith("): restore it from a backup or move it away");
    }

    @Test
    void aPortInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThat(errorLine("port-in-use", freshDataDir("port-in-use"), taken.getLocalPort(), List.of()))
                    .isEqualTo("Error: port " + taken.getLocalPort() + " is already in use: stop what listens "
                            + "there or choose another --secure-port");
        }
    }

    @Test
    void aLostStoreIsNotReplacedByAnEmptyOneUnlessAsked() throws IOException {
        Path data = freshDataDir("lost-store");
        try (KapiServer first = KapiServer.start("lost-store", data, List.of())) {
            first.admin().createNamespace("kept-only-in-the-lost-store");
        }
        try (var files = Files.walk(data.resolve("db"))) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Path db = data.resolve("db/state.db").toAbsolutePath();
        assertThat(errorLine("lost-store", data, List.of())).isEqualTo("Error: the embedded store " + db
                + " is missing, but " + data.resolve("pki") + " and " + data.resolve("admin.kubeconfig")
                + " are from an earlier start: restore the store, or start with an empty store on purpose with "
                + "--allow-empty-store (or remove " + data + ")");
        assertThat(data.resolve("db/state.db")).doesNotExist();

        try (KapiServer fresh = KapiServer.start("lost-store", data, List.of("--allow-empty-store"))) {
            assertThat(fresh.admin().get("/api/v1/namespaces/kept-only-in-the-lost-store").code()).isEqualTo(404);
            assertThat(fresh.admin().get("/api/v1/namespaces/default").code()).isEqualTo(200);
        }
    }
}
