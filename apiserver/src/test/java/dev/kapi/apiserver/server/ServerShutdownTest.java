package dev.kapi.apiserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shutdown bound holds for the process even when stopping hangs: a JVM with {@link ServerShutdown}'s
 * backstop installed and a shutdown hook that deadlocks exits {@code --shutdown-delay-duration} plus
 * {@link ServerShutdown#GRACE} after SIGTERM, with the backstop's status and a report naming the
 * deadlocked threads; one that stops normally exits at once with SIGTERM's status and no report.
 */
class ServerShutdownTest {

    private static final Duration DELAY = Duration.ofMillis(500);

    @TempDir
    Path dir;

    @Test
    void aHangingStopIsHaltedAfterTheDelayPlusTheGrace() throws Exception {
        Process child = startChild("hang");
        long sigterm = System.nanoTime();
        child.destroy();
        Duration bound = DELAY.plus(ServerShutdown.GRACE);
        assertThat(child.waitFor(bound.plusSeconds(3).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        long millis = (System.nanoTime() - sigterm) / 1_000_000;
        assertThat(child.exitValue()).isEqualTo(ServerShutdown.HALT_STATUS);
        assertThat(millis).isBetween(bound.toMillis() - 200, bound.toMillis() + 3000);
        String report = Files.readString(dir.resolve("stderr"));
        assertThat(report).contains("did not stop within", "Deadlocked threads", "\"left\"", "\"right\"");
    }

    @Test
    void aNormalStopExitsAtOnceWithoutAReport() throws Exception {
        Process child = startChild("clean");
        long sigterm = System.nanoTime();
        child.destroy();
        assertThat(child.waitFor(ServerShutdown.GRACE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        long millis = (System.nanoTime() - sigterm) / 1_000_000;
        assertThat(child.exitValue()).isEqualTo(143);
        assertThat(millis).isLessThan(DELAY.toMillis() + 2000);
        assertThat(Files.readString(dir.resolve("stderr"))).doesNotContain("did not stop within");
    }

    private Process startChild(String mode) throws IOException {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), mode,
                Long.toString(DELAY.toMillis()))
                .redirectError(dir.resolve("stderr").toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("child started").isEqualTo("ready");
        return child;
    }

    /**
     * A JVM with the backstop whose shutdown hook does what Spring's does (stops the {@link ServerShutdown})
     * and then, in mode {@code hang}, waits for two threads that deadlock ("left" and "right").
     */
    public static final class Child {

        public static void main(String[] args) throws Exception {
            ServerShutdown shutdown = new ServerShutdown(Duration.ofMillis(Long.parseLong(args[1])));
            shutdown.start();
            shutdown.installBackstop();
            boolean hang = args[0].equals("hang");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shutdown.stop();
                if (hang) {
                    deadlock();
                }
            }, "spring-like-hook"));
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }

        private static void deadlock() {
            Object a = new Object();
            Object b = new Object();
            Thread left = new Thread(() -> lockBoth(a, b), "left");
            Thread right = new Thread(() -> lockBoth(b, a), "right");
            left.start();
            right.start();
            try {
                left.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void lockBoth(Object first, Object second) {
            synchronized (first) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (second) {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
