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
}
