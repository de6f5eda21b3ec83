package dev.kapi.apiserver.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a kubectl binary against the e2e server with {@code --kubeconfig} (the shared server's written admin
 * kubeconfig unless {@link #withKubeconfig} names another)
 * and otherwise kubectl's default flags. {@code kubectl.1.27} and friends are found next to the real
 * {@code kubectl} on the PATH (symlinks resolved).
 */
public record Kubectl(Path binary, Path kubeconfig) {

    /** kubectl's output of one run. */
    public record Result(String command, int exit, String out, String err) {

        @Override
        public String toString() {
            return command + "\nexit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** The binary with the given file name ({@code kubectl}, {@code kubectl.1.27}, ...). */
    public static Kubectl named(String name) {
        return new Kubectl(binDir().resolve(name), null);
    }

    /** This binary with another kubeconfig (instead of the shared server's admin kubeconfig). */
    public Kubectl withKubeconfig(Path file) {
        return new Kubectl(binary, file);
    }

    private static Path binDir() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "kubectl");
            if (Files.isExecutable(p)) {
                try {
                    return p.toRealPath().getParent();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("kubectl is not on the PATH");
    }

    /** Runs kubectl with {@code args}, waiting at most 60s. */
    public Result run(String... args) {
        return runWithInput(null, args);
    }

    /** Runs kubectl with {@code stdin} as its standard input (for {@code -f -}). */
    public Result runWithInput(String stdin, String... args) {
        try {
            Process p = start(args);
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            byte[][] streams = new byte[2][];
            Thread t1 = Thread.ofVirtual().start(() -> streams[0] = readAll(p.getInputStream()));
            Thread t2 = Thread.ofVirtual().start(() -> streams[1] = readAll(p.getErrorStream()));
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            t1.join();
            t2.join();
            return new Result(binary.getFileName() + " " + String.join(" ", args), p.exitValue(), new String(streams[0], StandardCharsets.UTF_8),
                    new String(streams[1], StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts kubectl without waiting (for {@code get -w}); the caller reads and stops it. */
    public Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.add("--kubeconfig=" + (kubeconfig != null ? kubeconfig : KapiServerExtension.server().kubeconfig()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).start();
    }

    private static byte[] readAll(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    @Override
    public String toString() {
        return binary.getFileName().toString();
    }
}
