package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.server.ServerShutdown;
import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.EtcdFate;
import dev.kapi.apiserver.testing.Stress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * SIGTERM to the packaged server at a random moment while etcd is killed, frozen (SIGSTOP), restarted or
 * left alone at about the same moment (issue #18): with watches open and writes going on, the server
 * exits within {@code --shutdown-delay-duration} plus {@link ServerShutdown#GRACE}, on its own (status
 * 143, not the backstop's), its watch streams end, and its log has no blocked event loop, no deadlock and
 * no backstop report. On a hang the failure carries a thread dump of the server.
 */
class ShutdownRaceIT {

    private static final String CMS = "/api/v1/namespaces/default/configmaps";
    private static final int SIGTERM_STATUS = 143;
    private static LocalEtcdProcess etcd;

    @TestFactory
    Stream<DynamicTest> sigtermWhileEtcdIsKilledFrozenOrRestarted() {
        return Stress.repeat("server SIGTERM race", 1, this::race);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    private void race(Random random) throws Exception {
        if (etcd == null) {
            etcd = EtcdExtension.startPrivate();
        }
        etcd.ensureRunning();
        EtcdFate fate = EtcdFate.random(random);
        Duration delay = Duration.ofSeconds(random.nextInt(4) == 0 ? 1 : 0);
        Duration bound = delay.plus(ServerShutdown.GRACE);
        Path dir = Files.createTempDirectory(KapiServerExtension.e2eDir(), "shutdown-race-");
        String name = dir.getFileName().toString();
        AtomicBoolean stop = new AtomicBoolean();
        List<KubeHttp.WatchStream> watches = new ArrayList<>();
        KapiServer server = KapiServer.start(name, dir.resolve("data"), List.of(
                "--etcd-servers=" + String.join(",", etcd.endpoints()),
                "--etcd-prefix=" + EtcdExtension.randomPrefix(),
                "--shutdown-delay-duration=" + delay.toSeconds() + "s"));
        Process process = server.process();
        try {
            KubeHttp.Client admin = server.admin();
            watches.add(admin.watch(CMS + "?watch=true"));
            watches.add(admin.watch("/api/v1/namespaces?watch=true&allowWatchBookmarks=true"));
            watches.add(admin.watch(CMS + "?watch=true&resourceVersion=0"));
            Thread writer = Thread.ofVirtual().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        admin.post(CMS, "{\"metadata\":{\"name\":\"c" + i + "\"},\"data\":{\"k\":\"v\"}}");
                    } catch (RuntimeException e) {
                        return; // the server is gone
                    }
                }
            });
            int traffic = random.nextInt(1500);
            Thread.sleep(traffic);
            Runnable hitEtcd = fate.on(etcd);
            Thread hitter;
            long sigterm;
            if (random.nextBoolean()) {
                hitter = Thread.ofPlatform().start(hitEtcd);
                Thread.sleep(random.nextInt(150));
                sigterm = System.nanoTime();
                process.destroy();
            } else {
                sigterm = System.nanoTime();
                process.destroy();
                Thread.sleep(random.nextInt(150));
                hitter = Thread.ofPlatform().start(hitEtcd);
            }
            boolean exited = process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
            long exitMillis = (System.nanoTime() - sigterm) / 1_000_000;
            String dump = exited ? "" : threadDump(process);
            stop.set(true);
            hitter.join(30_000);
            writer.join(10_000);
            assertThat(exited).as("etcd %s, delay %s: server exited within %s of SIGTERM; still running:%n%s",
                    fate, delay, bound, dump).isTrue();
            assertThat(process.exitValue()).as("exit status (etcd %s, %d ms); log:%n%s", fate, exitMillis,
                    server.logTail(60)).isEqualTo(SIGTERM_STATUS);
            String log = Files.readString(server.log());
            assertThat(log).doesNotContain("has been blocked", "Deadlocked threads", "did not stop within");
            for (KubeHttp.WatchStream w : watches) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!w.ended() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(w.ended()).as("watch stream ended with the server").isTrue();
            }
            System.out.printf("shutdown race: etcd %s, delay %ss, SIGTERM after %d ms of traffic, exit after %d ms%n",
                    fate, delay.toSeconds(), traffic, exitMillis);
            LocalEtcdProcess.deleteRecursively(dir);
            Files.deleteIfExists(server.log());
        } finally {
            stop.set(true);
            watches.forEach(KubeHttp.WatchStream::close);
            server.kill();
            etcd.resume();
        }
    }

    /** The server's threads ({@code jcmd Thread.print}), for a failure message. */
    private static String threadDump(Process process) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "(no thread dump: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(no thread dump: interrupted)";
        }
    }
}
