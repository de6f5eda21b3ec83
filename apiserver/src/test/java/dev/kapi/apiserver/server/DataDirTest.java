package dev.kapi.apiserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data dir is private to the server's user: created 0700, anything looser under it tightened. */
class DataDirTest {

    @TempDir
    Path tmp;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static Path write(Path file, String mode) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void aNewDataDirIsCreatedPrivate() throws IOException {
        Path dir = tmp.resolve("parent/kapi");
        DataDir.prepare(dir);
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void anExistingLooserDataDirIsTightenedButLinksAreNotFollowed() throws IOException {
        Path dir = tmp.resolve("kapi");
        Path db = write(dir.resolve("db/state.db"), "rw-r--r--");
        Path wal = write(dir.resolve("db/state.db-wal"), "rw-rw-rw-");
        Path script = write(dir.resolve("bin/run.sh"), "rwxr-xr-x");
        Path key = write(dir.resolve("pki/ca.key"), "rw-------");
        Path outside = write(tmp.resolve("elsewhere/shared.txt"), "rw-r--r--");
        Files.createSymbolicLink(dir.resolve("link"), outside);
        for (Path d : new Path[] {dir, dir.resolve("db"), dir.resolve("bin"), dir.resolve("pki")}) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        DataDir.prepare(dir);

        for (Path d : new Path[] {dir, dir.resolve("db"), dir.resolve("bin"), dir.resolve("pki")}) {
            assertThat(mode(d)).as(d.toString()).isEqualTo("rwx------");
        }
        assertThat(mode(db)).isEqualTo("rw-------");
        assertThat(mode(wal)).isEqualTo("rw-------");
        assertThat(mode(script)).isEqualTo("rwx------");
        assertThat(mode(key)).isEqualTo("rw-------");
        assertThat(mode(outside)).as("the target of a link is not the data dir's").isEqualTo("rw-r--r--");
        assertThat(Files.readString(db)).isEqualTo("x");
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .as("the write check leaves nothing behind").containsExactlyInAnyOrder("db", "bin", "pki", "link");
        }
    }
}
