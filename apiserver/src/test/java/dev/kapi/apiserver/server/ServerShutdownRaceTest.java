package dev.kapi.apiserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.KapiApplication;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import dev.kapi.apiserver.testing.DeadlockWatchdog;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.EtcdFate;
import dev.kapi.apiserver.testing.Stress;
import dev.kapi.apiserver.testing.TlsClients;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole server in this JVM, closed as SIGTERM's shutdown hook closes it, at a random moment while etcd
 * is killed, frozen (SIGSTOP), restarted or left alone, with watches open and writes going on (issue #18):
 * the context closes within {@link ServerShutdown#GRACE} and a {@link DeadlockWatchdog} never sees a cycle
 * among the server's threads (Jetty's, jetcd's event loop, the watch hub, the RBAC cache, the token
 * lookups, the background workers).
 */
class ServerShutdownRaceTest {

    private static LocalEtcdProcess etcd;

    @TestFactory
    Stream<DynamicTest> closeTheServerWhileEtcdIsKilledFrozenOrRestarted() {
        return Stress.repeat("in-process server close race", 1, this::race);
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
        Path data = Files.createTempDirectory("kapi-shutdown-race-");
        AtomicBoolean stop = new AtomicBoolean();
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.start()) {
            ConfigurableApplicationContext app = new SpringApplicationBuilder(KapiApplication.class).run(
                    "--etcd-servers=" + String.join(",", etcd.endpoints()),
                    "--etcd-prefix=" + EtcdExtension.randomPrefix(),
                    "--secure-port=0", "--bind-address=127.0.0.1",
                    "--data-dir=" + data, "--write-kubeconfig=" + data.resolve("admin.kubeconfig"));
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            URI base = URI.create("https://127.0.0.1:" + port);
            Certificates.Issued ca = TlsClients.ca(data);
            HttpClient admin = TlsClients.httpClient(ca.certificate(),
                    TlsClients.clientCert(ca, "system:admin", "system:masters"));
            String cms = "/api/v1/namespaces/default/configmaps";
            for (String watch : new String[] {cms + "?watch=true", cms + "?watch=true&resourceVersion=0",
                    "/api/v1/namespaces?watch=true&allowWatchBookmarks=true"}) {
                Thread.ofVirtual().start(() -> read(admin, base.resolve(watch)));
            }
            Thread writer = Thread.ofVirtual().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    post(admin, base.resolve(cms), "{\"metadata\":{\"name\":\"c" + i + "\"},\"data\":{\"k\":\"v\"}}");
                }
            });
            Thread.sleep(random.nextInt(1000));
            AtomicLong closeNanos = new AtomicLong();
            Runnable hitEtcd = fate.on(etcd);
            Thread hitter;
            Thread closer;
            if (random.nextBoolean()) {
                hitter = Thread.ofPlatform().daemon().start(hitEtcd);
                Thread.sleep(random.nextInt(150));
                closer = Thread.ofPlatform().daemon().name("closer").start(timed(app::close, closeNanos));
            } else {
                closer = Thread.ofPlatform().daemon().name("closer").start(timed(app::close, closeNanos));
                Thread.sleep(random.nextInt(150));
                hitter = Thread.ofPlatform().daemon().start(hitEtcd);
            }
            closer.join(ServerShutdown.GRACE.toMillis());
            long closeMillis = closeNanos.get() / 1_000_000;
            stop.set(true);
            hitter.join(30_000);
            writer.join(15_000);
            assertThat(watchdog.cycle()).isNull();
            assertThat(closer.isAlive()).as("server (etcd %s) closed within %s", fate, ServerShutdown.GRACE).isFalse();
            System.out.printf("in-process server close race: etcd %s, close took %d ms%n", fate, closeMillis);
        } finally {
            stop.set(true);
            etcd.resume();
            LocalEtcdProcess.deleteRecursively(data);
        }
    }

    private static void read(HttpClient client, URI uri) {
        try (InputStream in = client.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofInputStream()).body()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (Exception e) {
            // the server went away
        }
    }

    private static void post(HttpClient client, URI uri, String json) {
        try {
            client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            // the server went away, or etcd did
        }
    }

    /** {@code close}, recording how long it took. */
    private static Runnable timed(Runnable close, AtomicLong nanos) {
        return () -> {
            long start = System.nanoTime();
            close.run();
            nanos.set(System.nanoTime() - start);
        };
    }
}
