package dev.kapi.apiserver.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for one test: a real file system that fills up ({@code ENOSPC}) or turns read-only,
 * for the embedded store's disk-full and read-only tests. Mounting needs root (CAP_SYS_ADMIN), which the
 * tests have here and on CI ({@code .ci/run} runs as root); without it the test fails and says so.
 *
 * <pre>{@code
 * try (Tmpfs disk = Tmpfs.mount(dir, "16m")) {
 *     disk.fill(64 * 1024);        // leaves 64 KiB free
 *     ...
 *     disk.unfill();               // frees the space again
 * }
 * }</pre>
 */
public final class Tmpfs implements AutoCloseable {

    private static final String FILLER = ".filler";

    private final Path path;

    private Tmpfs(Path path) {
        this.path = path;
    }

    /** Mounts a tmpfs of {@code size} (as mount(8) reads it: {@code 16m}) at {@code dir}, created when missing. */
    public static Tmpfs mount(Path dir, String size) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", dir.toString());
        return new Tmpfs(dir.toAbsolutePath());
    }

    public Path path() {
        return path;
    }

    /** Remounts it read-only, keeping what is on it. */
    public void remountReadOnly() {
        run("mount", "-o", "remount,ro", path.toString());
    }

    /** Writes a filler file until at most {@code leaveBytes} are free (a tmpfs counts whole pages). */
    public void fill(long leaveBytes) {
        try {
            long free = Files.getFileStore(path).getUsableSpace();
            long size = Math.max(0, free - leaveBytes);
            try (var out = Files.newOutputStream(path.resolve(FILLER))) {
                byte[] chunk = new byte[64 * 1024];
                for (long written = 0; written < size; written += chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the filler file: the space is free again. */
    public void unfill() {
        try {
            Files.deleteIfExists(path.resolve(FILLER));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unmounts it (everything on it is gone). */
    @Override
    public void close() {
        run("umount", path.toString());
    }

    private static void run(String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + output + "): the disk-full "
                        + "and read-only tests mount a tmpfs, which needs root with CAP_SYS_ADMIN");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
