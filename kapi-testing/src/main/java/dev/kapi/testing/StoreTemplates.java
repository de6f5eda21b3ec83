package dev.kapi.testing;

import dev.kapi.apiserver.KapiApplication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded store and keys of the first test server started with a set of flags, kept for this JVM as the
 * starting point of the next servers with the same flags (issue #16). A server then starts on a copy, as a
 * standalone server restarts on its data directory: its bootstrap steps and controllers run as always and find
 * the RBAC roles and bindings, flow-control objects, APIServices, system namespaces and priority classes in place,
 * instead of writing two hundred objects through admission and the store on every start. The keys
 * ({@code pki/}) go with the store, as the {@code kube-root-ca.crt} ConfigMaps name the CA.
 *
 * <p>Taken right after that first server is ready, before the test uses it, with SQLite's {@code VACUUM INTO} (a
 * consistent copy of what is committed); what belongs to that one running server is left out of the copy (its
 * master lease and APIServer identity lease, the {@code kubernetes} Endpoints and EndpointSlice naming its port,
 * Events), so that each server writes its own as on an empty store. Only for the embedded store, and only for
 * flags that name no file (a file's content may differ by the next start). The servers of one JVM thus share the
 * CA and the bootstrap objects' uids and creation times.
 */
final class StoreTemplates {

    private static final String DB = "db/state.db";
    private static final List<String> KEYS = List.of("ca.crt", "ca.key", "serving.crt", "serving.key", "sa.key");
    private static final Map<List<String>, Path> TEMPLATES = new ConcurrentHashMap<>();
    private static final Set<List<String>> TAKEN = ConcurrentHashMap.newKeySet();
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    static {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(
                () -> TEMPLATES.values().forEach(DataDirs::delete)));
    }

    private StoreTemplates() {
    }

    /** Copies the template of {@code flags} into a new server's empty {@code dataDir}; false when there is none. */
    static boolean seed(Path dataDir, List<String> flags) {
        Path template = TEMPLATES.get(flags);
        if (template == null) {
            return false;
        }
        try {
            for (Path dir : List.of(dataDir, dataDir.resolve("db"), dataDir.resolve("pki"))) {
                privateDirectory(dir);
            }
            privateCopy(template.resolve(DB), dataDir.resolve(DB));
            for (String key : KEYS) {
                privateCopy(template.resolve("pki").resolve(key), dataDir.resolve("pki").resolve(key));
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the store template into " + dataDir, e);
        }
    }

    /**
     * Keeps the store of a server that started on an empty {@code dataDir} with {@code flags} as their template,
     * unless they have one already; a template that cannot be made leaves the next starts as they were.
     */
    static void take(Path dataDir, List<String> flags) {
        if (!Files.isRegularFile(dataDir.resolve(DB)) || !eligible(flags) || !TAKEN.add(flags)) {
            return;
        }
        Path dir = null;
        try {
            dir = DataDirs.create(true);
            Files.createDirectories(dir.resolve("db"));
            Files.createDirectories(dir.resolve("pki"));
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(DB).toAbsolutePath());
                 PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
                vacuum.setString(1, dir.resolve(DB).toAbsolutePath().toString());
                vacuum.execute();
            }
            withoutInstanceObjects(dir.resolve(DB), etcdPrefix(flags));
            for (String key : KEYS) {
                Files.copy(dataDir.resolve("pki").resolve(key), dir.resolve("pki").resolve(key));
            }
            TEMPLATES.put(flags, dir);
        } catch (IOException | SQLException | RuntimeException e) {
            DataDirs.delete(dir);
        }
    }

    /** As the server makes its data directory: only its user may read it. */
    private static void privateDirectory(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(dir);
        }
    }

    private static void privateCopy(Path from, Path to) throws IOException {
        Files.copy(from, to);
        try {
            Files.setPosixFilePermissions(to, PRIVATE_FILE);
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the temporary directory is the user's own
        }
    }

    /** Removes every revision of the keys that belong to the server the copy was taken from. */
    private static void withoutInstanceObjects(Path db, String prefix) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath())) {
            for (String pattern : List.of("/masterleases/%", "/leases/kube-system/apiserver-%",
                    "/endpoints/default/kubernetes", "/endpointslices/default/kubernetes", "/events/%")) {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM kine WHERE name LIKE ?")) {
                    delete.setString(1, prefix + pattern);
                    delete.executeUpdate();
                }
            }
        }
    }

    /** The embedded store, and no flag value that is a file (its content may change between starts). */
    static boolean eligible(List<String> flags) {
        for (String flag : KapiApplication.flags(flags.toArray(String[]::new))) {
            int eq = flag.indexOf('=');
            String name = eq < 0 ? flag : flag.substring(0, eq);
            String value = eq < 0 ? "" : flag.substring(eq + 1);
            if (name.equals("--etcd-servers") || isFile(value)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFile(String value) {
        try {
            return !value.isEmpty() && Files.exists(Path.of(value));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static String etcdPrefix(List<String> flags) {
        String prefix = "/registry";
        for (String flag : KapiApplication.flags(flags.toArray(String[]::new))) {
            if (flag.startsWith("--etcd-prefix=")) {
                prefix = flag.substring("--etcd-prefix=".length());
            }
        }
        return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }
}
