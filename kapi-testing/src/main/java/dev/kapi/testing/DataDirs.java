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
 * user (the JDK makes temporary directories {@code rwx------}).
 */
final class DataDirs {

    /** Free space {@code /dev/shm} must have (container engines often give it only 64 MiB). */
    static final long MIN_FREE_IN_MEMORY = 1L << 30;
    private static final Path SHM = Path.of("/dev/shm");

    private DataDirs() {
    }

    static Path create(boolean inMemory) {
        try {
            return inMemory && memoryHasRoom()
                    ? Files.createTempDirectory(SHM, "kapi-test-")
                    : Files.createTempDirectory("kapi-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
