package dev.kapi.apiserver.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code --data-dir}: the embedded store ({@code db/}), certificates and keys ({@code pki/}) and the admin
 * kubeconfig, private to the server's user as etcd keeps its data dir: directories 0700, files 0600. Prepared
 * before anything is written there (the beans that write into it depend on this one): created when missing;
 * the data dir itself, {@code db/}, {@code pki/} with everything in them and {@code kubeconfig} are tightened
 * with a warning when others could read or enter them (etcd warns; we also fix it), other files a user put
 * there are left as they are (the 0700 data dir keeps others out); and a file is written and removed to fail
 * early, in one line, when it is not writable. An embedded
 * store lost from a data dir that served before is refused rather than replaced by an empty one.
 */
@Component
public class DataDir {

    private static final Logger LOG = LoggerFactory.getLogger(DataDir.class);
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path path;

    public DataDir(ServerOptions options) {
        this.path = options.dataDir().toAbsolutePath();
        prepare(path);
        if (options.etcdServers().isEmpty()
                && storeLost(path, Path.of(options.writeKubeconfig()), options.allowEmptyStore())) {
            LOG.warn("Starting with an empty embedded store in {} (--allow-empty-store)", database(path));
        }
    }

    public Path path() {
        return path;
    }

    /** The embedded store's database file. */
    public Path database() {
        return database(path);
    }

    static Path database(Path dir) {
        return dir.resolve("db").resolve("state.db");
    }

    /**
     * Whether the embedded store was lost: its database is missing or empty although the CA and the admin
     * kubeconfig of an earlier successful start are there (the kubeconfig is written once the server is
     * ready). A lost store is not silently replaced by an empty one: unless {@code allowEmpty}, this throws.
     */
    static boolean storeLost(Path dir, Path kubeconfig, boolean allowEmpty) {
        Path db = database(dir);
        if (!isEmpty(db) || !Files.exists(dir.resolve("pki").resolve("ca.crt")) || !Files.exists(kubeconfig)) {
            return false;
        }
        if (!allowEmpty) {
            throw new StartupFailure("the embedded store " + db + (Files.exists(db) ? " is empty" : " is missing")
                    + ", but " + dir.resolve("pki") + " and " + kubeconfig + " are from an earlier start: restore "
                    + "the store, or start with an empty store on purpose with --allow-empty-store (or remove " + dir
                    + ")");
        }
        return true;
    }

    /** No database, or a zero-length one whose WAL holds nothing either. */
    private static boolean isEmpty(Path db) {
        try {
            Path wal = db.resolveSibling(db.getFileName() + "-wal");
            return !Files.exists(db) || Files.size(db) == 0 && (!Files.exists(wal) || Files.size(wal) == 0);
        } catch (IOException e) {
            return false; // the store will report what is wrong with it
        }
    }

    /** What the server writes in the data dir, tightened at start with everything under them. */
    private static final String[] OWN = {"db", "pki", "kubeconfig"};

    /** Creates {@code dir} (0700) when missing, tightens it and what the server keeps in it, checks it is writable. */
    static void prepare(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new StartupFailure("cannot create the data dir " + dir + ": " + reason(e), e);
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            makePrivate(dir);
            for (String own : OWN) {
                if (Files.exists(dir.resolve(own), LinkOption.NOFOLLOW_LINKS)) {
                    tighten(dir.resolve(own));
                }
            }
        }
        try {
            Files.delete(Files.createTempFile(dir, ".write-check", ""));
        } catch (IOException e) {
            throw new StartupFailure("the data dir " + dir + " is not writable: " + reason(e), e);
        }
    }

    /** Takes the group and other permissions off {@code dir} and everything under it (links are left alone). */
    private static void tighten(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    makePrivate(d);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        makePrivate(f);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    LOG.warn("cannot check the permissions of {}: {}", f, reason(e));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot check the permissions under {}: {}", dir, reason(e));
        }
    }

    private static void makePrivate(Path p) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            if (perms.stream().noneMatch(OTHERS::contains)) {
                return;
            }
            Set<PosixFilePermission> owner = EnumSet.copyOf(perms);
            owner.removeAll(OTHERS);
            Files.setPosixFilePermissions(p, owner);
            LOG.warn("{} was {}: made it {} so that only the server's user can read the data dir",
                    p, PosixFilePermissions.toString(perms), PosixFilePermissions.toString(owner));
        } catch (IOException e) {
            LOG.warn("cannot make {} private: {}", p, reason(e));
        }
    }

    /** "Read-only file system", "Permission denied", ... rather than the exception's class and path. */
    static String reason(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
