package dev.kapi.admissionwebhooks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Runs an unpacked image as a container runtime would, with no runtime: in new mount and PID namespaces
 * ({@code unshare}, which needs root), the image's root bind-mounted read-only, {@code /proc} and {@code /dev}
 * mounted, a host directory mounted writable on each volume, then {@code chroot} to the root as the config's
 * {@code User}, with only the config's {@code Env}, running its {@code Entrypoint} and {@code Cmd} plus
 * {@code args}. The network is the host's. Closing kills the process (the namespace's PID 1) and so everything
 * in it; the mounts go with the namespace. (The apiserver module's e2e tests have the same class.)
 */
final class ChrootContainer implements AutoCloseable {

    private final Process process;

    private ChrootContainer(Process process) {
        this.process = process;
    }

    /**
     * Starts the image unpacked in {@code root} (which gets the {@code /proc} and {@code /dev} mount points a
     * runtime creates) with {@code config}, the image config's {@code config} object; {@code volumes} maps an
     * image path to the host directory mounted there. Output goes to {@code log}.
     */
    static ChrootContainer start(Path root, JsonNode config, Map<String, Path> volumes, List<String> args, Path log)
            throws IOException {
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
        List<String> script = new ArrayList<>(List.of(
                "set -e",
                "mount --bind " + q(root) + " " + q(root),
                "mount -o remount,ro,bind " + q(root),
                "mount -t proc proc " + q(root.resolve("proc")),
                "mount --rbind /dev " + q(root.resolve("dev"))));
        volumes.forEach((path, host) -> script.add("mount --bind " + q(host) + " " + q(root.resolve(path.substring(1)))));
        List<String> env = new ArrayList<>();
        config.path("Env").forEach(e -> env.add(e.asString()));
        List<String> command = new ArrayList<>(List.of("--userspec=" + config.path("User").asString(), root.toString()));
        config.path("Entrypoint").forEach(a -> command.add(a.asString()));
        config.path("Cmd").forEach(a -> command.add(a.asString()));
        command.addAll(args);
        // env -i leaves no PATH to find the host's chroot with: find it first
        script.add("chroot=$(command -v chroot)");
        script.add("exec env -i " + quoted(env) + " \"$chroot\" " + quoted(command));
        Process p = new ProcessBuilder("unshare", "--mount", "--pid", "--fork", "--kill-child",
                "sh", "-c", String.join("\n", script))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ChrootContainer(p);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** The container's first process (the entrypoint, PID 1 in its namespace), once it runs. */
    Optional<ProcessHandle> entrypoint() {
        return process.toHandle().children().findFirst();
    }

    /**
     * Kills the namespace's PID 1 (and with it all in the namespace), then {@code unshare}. {@code --kill-child}
     * alone does not do it: the parent-death signal it sets is cleared when {@code chroot} changes to the image's
     * user, so the server outlived a killed {@code unshare} (found as orphans after CI runs).
     */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> inside = process.toHandle().descendants().toList();
        inside.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (inside.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static String quoted(List<String> args) {
        return args.stream().map(ChrootContainer::q).collect(Collectors.joining(" "));
    }

    private static String q(Object arg) {
        return "'" + arg.toString().replace("'", "'\\''") + "'";
    }
}
