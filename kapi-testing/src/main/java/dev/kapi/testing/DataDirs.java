package dev.kapi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The temporary data directory of a test server ({@link KapiTest#inMemory()}): on Linux's RAM-backed
 * {@code /dev/shm} when it has room, where the embedded store's writes never wait for a disk (a fresh server
 * writes about a hundred objects while it starts), otherwise under {@code java.io.tmpdir}. Created private to this
 * user (the JDK makes temporary directories {@code rwx------}), named {@code kapi-test-<pid>-...} so that the
 * next run can remove what a killed JVM left in memory. The JVM that made a directory in memory holds a lock on its
 * {@value #OWNER_LOCK} file while it runs, and the lock decides: a JVM in another PID namespace (a container sharing
 * {@code /dev/shm}) cannot see the owner's process id, or sees another process under it (a container's JVM is
 * often process 1), but it sees the lock.
 */
final class DataDirs {

    /** Free space {@code /dev/shm} must have (container engines often give it only 64 MiB). */
    static final long MIN_FREE_IN_MEMORY = 1L << 30;
    private static final Path SHM = Path.of("/dev/shm");
    private static final String PREFIX = "kapi-test-";
    static final String OWNER_LOCK = ".owner.lock";
    /** A directory younger than this is never swept: its JVM may be taking its lock right now. */
    private static final Duration SWEEP_GRACE = Duration.ofMinutes(1);
    /** The lock this JVM holds on each directory it made, until {@link #delete} or its exit. */
    private static final Map<Path, FileChannel> HELD = new ConcurrentHashMap<>();

    private DataDirs() {
    }

    static Path create(boolean inMemory) {
        try {
            if (inMemory && memoryHasRoom()) {
                removeOrphans(SHM);
                Path dir = Files.createTempDirectory(SHM, PREFIX + ProcessHandle.current().pid() + "-");
                hold(dir);
                return dir;
            }
            return Files.createTempDirectory(PREFIX + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes the directories in {@code parent} that test servers of JVMs no longer running left behind (a JVM
     * killed before its servers stopped): in memory they would hold RAM until the machine restarts. A directory's
     * name carries its JVM's process id.
     */
    static void removeOrphans(Path parent) {
        try (Stream<Path> dirs = Files.list(parent)) {
            dirs.filter(d -> d.getFileName().toString().startsWith(PREFIX)).filter(Files::isDirectory)
                    .filter(DataDirs::ownerGone).forEach(DataDirs::delete);
        } catch (IOException e) {
            // nothing to clean, or not ours to list
        }
    }

    /**
     * Whether the JVM that made {@code dir} is gone: its lock is free (the lock file decides; the process id may
     * be one any PID namespace has, such as a container's 1), or, for a directory without a lock file, no process
     * of that id is running. Never a directory younger than {@link #SWEEP_GRACE}: its JVM may be taking its
     * lock right now.
     */
    private static boolean ownerGone(Path dir) {
        String rest = dir.getFileName().toString().substring(PREFIX.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
            pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
        } catch (NumberFormatException e) {
            return false; // not named by this class
        }
        // this JVM's own directories first: closing a second channel on a lock file drops this JVM's lock on it
        if (HELD.containsKey(dir) || !Files.isWritable(dir) || !madeBefore(dir, Instant.now().minus(SWEEP_GRACE))) {
            return false;
        }
        Path lock = dir.resolve(OWNER_LOCK);
        if (!Files.exists(lock)) {
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty();
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock free = channel.tryLock();
            if (free == null) {
                return false; // a running JVM holds it, seen from here or not
            }
            free.release();
            return true;
        } catch (IOException | OverlappingFileLockException e) {
            return false;
        }
    }

    private static boolean madeBefore(Path dir, Instant instant) {
        try {
            return Files.getLastModifiedTime(dir).toInstant().isBefore(instant);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Takes this JVM's lock on a directory it made in memory (released by {@link #delete}, or when the JVM ends).
     * Where the lock cannot be taken the directory goes unlocked, as before there were locks: then it is kept
     * while a process of its id runs.
     */
    private static void hold(Path dir) {
        try {
            FileChannel channel = FileChannel.open(dir.resolve(OWNER_LOCK), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            try {
                channel.lock();
                HELD.put(dir, channel);
            } catch (IOException | RuntimeException e) {
                channel.close();
                Files.deleteIfExists(dir.resolve(OWNER_LOCK));
            }
        } catch (IOException e) {
            // unlocked, see above
        }
    }

    static boolean memoryHasRoom() {
        try {
            return Files.isDirectory(SHM) && Files.isWritable(SHM)
                    && Files.getFileStore(SHM).getUsableSpace() >= MIN_FREE_IN_MEMORY;
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes a temporary directory and all in it; one left behind is not worth failing a test for. */
    static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        FileChannel held = HELD.remove(dir);
        if (held != null) {
            try {
                held.close(); // releases the lock
            } catch (IOException e) {
                // deleted below all the same
            }
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // left behind
        }
    }
}
