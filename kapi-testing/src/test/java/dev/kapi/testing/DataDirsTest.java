package dev.kapi.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a test server keeps its store: in memory where the machine allows it, always private to this user; what a
 * JVM that is gone left behind is removed, and nothing of a JVM still running, even one this JVM cannot see.
 */
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
            DataDirs.delete(memory);
            DataDirs.delete(disk);
        }
        assertThat(memory).doesNotExist();
        assertThat(disk).doesNotExist();
    }

    @Test
    void directoriesOfJvmsThatAreGoneAreRemovedAndOthersKept(@TempDir Path parent) throws Exception {
        long gone = Long.MAX_VALUE - 7; // no such process
        Path orphan = Files.createDirectories(parent.resolve("kapi-test-" + gone + "-abc/data/db"));
        Path leftUnlocked = parent.resolve("kapi-test-" + gone + "-abc"); // by a kapi-testing before the lock file
        Files.setLastModifiedTime(leftUnlocked, FileTime.from(Instant.now().minusSeconds(120)));
        Path beingMade = Files.createDirectories(parent.resolve("kapi-test-" + gone + "-new"));
        Path mine = Files.createDirectories(parent.resolve("kapi-test-" + ProcessHandle.current().pid() + "-abc"));
        Path other = Files.createDirectories(parent.resolve("someone-else-" + gone));
        Path unnamed = Files.createDirectories(parent.resolve("kapi-test-xyz"));

        DataDirs.removeOrphans(parent);

        assertThat(parent.resolve("kapi-test-" + gone + "-abc")).doesNotExist();
        assertThat(orphan).doesNotExist();
        assertThat(mine).isDirectory();
        assertThat(other).isDirectory();
        assertThat(unnamed).isDirectory();
        assertThat(beingMade).as("no lock file yet, but made just now").isDirectory();
    }

    /**
     * A JVM in another PID namespace (a container sharing {@code /dev/shm}) has a process id this one cannot see:
     * stood in for by a name with no such process and a lock held by a child process.
     */
    @Test
    void aDirectoryWhoseLockAnotherProcessHoldsIsKeptAndRemovedOnceItIsGone(@TempDir Path parent) throws Exception {
        long unseen = Long.MAX_VALUE - 11;
        Path dir = Files.createDirectories(parent.resolve("kapi-test-" + unseen + "-abc/data"));
        Path lock = Files.createFile(dir.getParent().resolve(DataDirs.OWNER_LOCK));
        madeMinutesAgo(dir.getParent());
        Process child = lockProgram(parent, "hold", lock);
        try {
            assertThat(firstLine(child)).isEqualTo("held");

            DataDirs.removeOrphans(parent);
            assertThat(dir).as("its owner's lock is held").isDirectory();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        DataDirs.removeOrphans(parent);
        assertThat(dir.getParent()).as("nobody holds the lock any more").doesNotExist();
    }

    /**
     * A container's JVM is often process 1, which every PID namespace has: a free lock is a JVM that is gone, and a
     * directory made just now is left alone whatever its lock (its JVM may be about to take it).
     */
    @Test
    void theLockDecidesWhateverTheProcessIdAndAYoungDirectoryIsKept(@TempDir Path parent) throws Exception {
        Path killedContainer = Files.createDirectories(parent.resolve("kapi-test-1-abc/data"));
        Files.createFile(killedContainer.getParent().resolve(DataDirs.OWNER_LOCK));
        madeMinutesAgo(killedContainer.getParent());
        Path young = Files.createDirectories(parent.resolve("kapi-test-" + (Long.MAX_VALUE - 3) + "-abc/data"));
        Files.createFile(young.getParent().resolve(DataDirs.OWNER_LOCK));

        DataDirs.removeOrphans(parent);

        assertThat(killedContainer.getParent()).as("process 1 runs, but nobody holds the lock").doesNotExist();
        assertThat(young).as("made just now").isDirectory();
    }

    /** A sweep never opens this JVM's own lock file: closing a second channel on it would drop the lock. */
    @Test
    void thisJvmsOwnDirectoryKeepsItsLockThroughASweep(@TempDir Path programs) throws Exception {
        Path dir = DataDirs.create(true);
        try {
            madeMinutesAgo(dir); // past the grace a young directory has
            DataDirs.removeOrphans(dir.getParent());
            assertThat(dir).isDirectory();
            Process child = lockProgram(programs, "try", dir.resolve(DataDirs.OWNER_LOCK));
            assertThat(firstLine(child)).as("another process finds the lock taken").isEqualTo("busy");
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            DataDirs.delete(dir);
        }
        assertThat(dir).doesNotExist();
    }

    private static void madeMinutesAgo(Path dir) throws Exception {
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minusSeconds(120)));
    }

    /** A child JVM that locks {@code lock} and keeps it ("hold"), or says whether it could ("try"). */
    private static Process lockProgram(Path dir, String mode, Path lock) throws Exception {
        Path program = dir.resolve("Lock.java");
        Files.writeString(program, """
                import java.nio.channels.FileChannel;
                import java.nio.channels.FileLock;
                import java.nio.file.Path;
                import java.nio.file.StandardOpenOption;
                class Lock {
                    public static void main(String[] args) throws Exception {
                        FileChannel channel = FileChannel.open(Path.of(args[1]), StandardOpenOption.WRITE);
                        if (args[0].equals("try")) {
                            FileLock lock = channel.tryLock();
                            System.out.println(lock == null ? "busy" : "free");
                            return;
                        }
                        channel.lock();
                        System.out.println("held");
                        Thread.sleep(120_000);
                    }
                }
                """);
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                program.toString(), mode, lock.toString()).redirectErrorStream(true).start();
    }

    private static String firstLine(Process child) throws Exception {
        return new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
}
