package dev.kapi.apiserver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void anExistingLooserDataDirAndWhatTheServerKeepsInItAreTightened() throws IOException {
        Path dir = tmp.resolve("kapi");
        Path db = write(dir.resolve("db/state.db"), "rw-r--r--");
        Path wal = write(dir.resolve("db/state.db-wal"), "rw-rw-rw-");
        Path crt = write(dir.resolve("pki/ca.crt"), "rw-r--r--");
        Path key = write(dir.resolve("pki/ca.key"), "rw-------");
        Path kubeconfig = write(dir.resolve("kubeconfig"), "rw-r--r--");
        Path users = write(dir.resolve("bin/run.sh"), "rwxr-xr-x");
        Path outside = write(tmp.resolve("elsewhere/shared.txt"), "rw-r--r--");
        Files.createSymbolicLink(dir.resolve("pki/link"), outside);
        for (Path d : new Path[] {dir, dir.resolve("db"), dir.resolve("bin"), dir.resolve("pki")}) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        DataDir.prepare(dir);

        for (Path d : new Path[] {dir, dir.resolve("db"), dir.resolve("pki")}) {
            assertThat(mode(d)).as(d.toString()).isEqualTo("rwx------");
        }
        for (Path f : new Path[] {db, wal, crt, key, kubeconfig}) {
            assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
        }
        assertThat(Files.readString(db)).isEqualTo("x");
        // what a user put there is theirs (nobody else can reach it through the 0700 data dir)
        assertThat(mode(dir.resolve("bin"))).isEqualTo("rwxr-xr-x");
        assertThat(mode(users)).isEqualTo("rwxr-xr-x");
        assertThat(mode(outside)).as("the target of a link is not the data dir's").isEqualTo("rw-r--r--");
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).as("the write check leaves nothing behind")
                    .containsExactlyInAnyOrder("db", "bin", "pki", "kubeconfig");
        }
    }

    /** A data dir after a successful start: CA, admin kubeconfig and, unless {@code db} is null, a store. */
    private Path servedBefore(byte[] db) throws IOException {
        Path dir = tmp.resolve("served");
        write(dir.resolve("pki/ca.crt"), "rw-------");
        write(dir.resolve("kubeconfig"), "rw-------");
        if (db != null) {
            Files.createDirectories(dir.resolve("db"));
            Files.write(dir.resolve("db/state.db"), db);
        }
        return dir;
    }

    @Test
    void aStoreMissingBesideTheCertificatesAndKubeconfigOfAnEarlierStartIsRefused() throws IOException {
        Path dir = servedBefore(null);
        assertThatThrownBy(() -> DataDir.storeLost(dir, dir.resolve("kubeconfig"), false))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("the embedded store " + dir.resolve("db/state.db") + " is missing, but "
                        + dir.resolve("pki") + " and " + dir.resolve("kubeconfig") + " are from an earlier start: "
                        + "restore the store, or start with an empty store on purpose with --allow-empty-store "
                        + "(or remove " + dir + ")");
        assertThat(dir.resolve("db")).doesNotExist();
        assertThat(DataDir.storeLost(dir, dir.resolve("kubeconfig"), true)).isTrue();
    }

    @Test
    void anEmptyStoreBesideThemIsRefusedToo() throws IOException {
        Path dir = servedBefore(new byte[0]);
        assertThatThrownBy(() -> DataDir.storeLost(dir, dir.resolve("kubeconfig"), false))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining(dir.resolve("db/state.db") + " is empty, but ");
    }

    @Test
    void aFirstStartAStoreWithContentOrAStartThatNeverGotReadyIsNotALostStore() throws IOException {
        Path fresh = tmp.resolve("fresh");
        assertThat(DataDir.storeLost(fresh, fresh.resolve("kubeconfig"), false)).isFalse();
        Path kept = servedBefore(new byte[] {1});
        assertThat(DataDir.storeLost(kept, kept.resolve("kubeconfig"), false)).isFalse();
        Path neverReady = tmp.resolve("never-ready");
        write(neverReady.resolve("pki/ca.crt"), "rw-------");
        assertThat(DataDir.storeLost(neverReady, neverReady.resolve("kubeconfig"), false)).isFalse();
    }
}
