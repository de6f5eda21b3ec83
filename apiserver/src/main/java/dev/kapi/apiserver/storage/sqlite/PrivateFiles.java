package dev.kapi.apiserver.storage.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The store's directory and files, readable by the server's user only (0700, 0600): they hold every object,
 * Secrets included. SQLite creates the {@code -wal} and {@code -shm} files with the mode of the database
 * file, so a database file created (or tightened) to 0600 before it is opened keeps them private too.
 */
final class PrivateFiles {

    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    static void createDirectories(Path dir) throws IOException {
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir, attribute(DIRECTORY));
        }
    }

    /** Opens {@code file} for writing, created 0600 when missing. */
    static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), attribute(FILE));
    }

    /**
     * Creates an empty {@code database} (a new SQLite database) 0600, or takes group and other access off it
     * and off the WAL and shared-memory files an earlier run left beside it.
     */
    static void createOrTighten(Path database) throws IOException {
        if (!Files.exists(database)) {
            Files.createFile(database, attribute(FILE));
        }
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Path file = database.resolveSibling(database.getFileName() + suffix);
            if (Files.exists(file)) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                Set<PosixFilePermission> owner = EnumSet.noneOf(PosixFilePermission.class);
                perms.stream().filter(p -> p.name().startsWith("OWNER")).forEach(owner::add);
                if (!owner.equals(perms)) {
                    Files.setPosixFilePermissions(file, owner);
                }
            }
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> perms) {
        return PosixFilePermissions.asFileAttribute(perms);
    }
}
