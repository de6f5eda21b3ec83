package dev.kapi.testing;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a test server keeps its store: in memory where the machine allows it, always private to this user. */
class DataDirsTest {

    @Test
    void inMemoryMeansDevShmWhenItHasRoomAndTheTemporaryDirectoryOtherwise() throws Exception {
        Path memory = DataDirs.create(true);
        Path disk = DataDirs.create(false);
        try {
            if (DataDirs.memoryHasRoom()) {
                assertThat(memory).startsWith(Path.of("/dev/shm"));
            } else {
                assertThat(memory.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
            }
            assertThat(disk.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
            for (Path dir : new Path[] {memory, disk}) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            }
        } finally {
            Files.delete(memory);
            Files.delete(disk);
        }
    }

    @Test
    void directoriesOfJvmsThatAreGoneAreRemovedAndOthersKept(@org.junit.jupiter.api.io.TempDir Path parent)
            throws Exception {
        long gone = Long.MAX_VALUE - 7; // no such process
        Path orphan = Files.createDirectories(parent.resolve("kapi-test-" + gone + "-abc/data/db"));
        Path mine = Files.createDirectories(parent.resolve("kapi-test-" + ProcessHandle.current().pid() + "-abc"));
        Path other = Files.createDirectories(parent.resolve("someone-else-" + gone));
        Path unnamed = Files.createDirectories(parent.resolve("kapi-test-xyz"));

        DataDirs.removeOrphans(parent);

        assertThat(parent.resolve("kapi-test-" + gone + "-abc")).doesNotExist();
        assertThat(orphan).doesNotExist();
        assertThat(mine).isDirectory();
        assertThat(other).isDirectory();
        assertThat(unnamed).isDirectory();
    }
}
