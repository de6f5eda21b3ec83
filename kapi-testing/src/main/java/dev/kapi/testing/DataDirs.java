package dev.kapi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The temporary data directory of a test server ({@link KapiTest#inMemory()}): on Linux's RAM-backed
 * {@code /dev/shm} when it has room, where the embedded store's writes never wait for a disk (a fresh server
 * writes about a hundred objects while it starts), otherwise under {@code java.io.tmpdir}. Created private to this
 * user (the JDK makes temporary directories {@code rwx------}), named {@code kapi-test-<pid>-...} so that the
 * next run can remove what a killed JVM left in memory.
 */
final class DataDirs {

    /** Free space {@code /dev/shm} must have (container engines often give it only 64 MiB). */
    static final long MIN_FREE_IN_MEMORY = 1L << 30;
    private static final Path SHM = Path.of("/dev/shm");
    private static final String PREFIX = "kapi-test-";

    private DataDirs() {
    }

    static Path create(boolean inMemory) {
        try {
            if (inMemory && memoryHasRoom()) {
                removeOrphans(SHM);
                return Files.createTempDirectory(SHM, PREFIX + ProcessHandle.current().pid() + "-");
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

    private static boolean ownerGone(Path dir) {
        String rest = dir.getFileName().toString().substring(PREFIX.length());
        int dash = rest.indexOf('-');
        try {
            long pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
            return ProcessHandle.of(pid).isEmpty() && Files.isWritable(dir);
        } catch (NumberFormatException e) {
            return false; // not named by this class
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
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // left behind
        }
    }
}
