package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import dev.kapi.apiserver.e2e.KubeHttp.WatchStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * The embedded store (no {@code --etcd-servers}): servers of their own, each on a fresh {@code --data-dir},
 * restarted on the same data dir after a normal stop and after a SIGKILL of the server JVM while clients
 * write. Objects and resourceVersions survive; every acknowledged write is kept; a watch resumed from a
 * resourceVersion of before the kill sees every later change once, in order.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class EmbeddedStoreIT {

    private static final String NS = "e2e-embedded";
    private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";
    private static final int WRITERS = 4;

    private final List<KapiServer> started = new ArrayList<>();

    @AfterEach
    void stopServers() {
        started.forEach(KapiServer::close);
    }

    private KapiServer start(Path dataDir) {
        KapiServer s = KapiServer.start("embedded-" + dataDir.getFileName(), dataDir, List.of());
        started.add(s);
        return s;
    }

    private static Path freshDataDir(String name) {
        return KapiServerExtension.e2eDir().resolve(name + "-" + System.nanoTime());
    }

    private static long rv(JsonNode obj) {
        return Long.parseLong(obj.path("metadata").path("resourceVersion").asString());
    }

    private static JsonNode createConfigMap(KubeHttp.Client c, String name, String value) {
        Reply r = c.post(CMS, "{\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"k\":\"" + value + "\"}}");
        assertThat(r.code()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    @Test
    void objectsSurviveANormalRestartAndResourceVersionsKeepIncreasing() {
        Path data = freshDataDir("embedded-restart");
        KapiServer first = start(data);
        first.admin().createNamespace(NS);
        long lastRv = 0;
        for (int i = 0; i < 3; i++) {
            lastRv = Math.max(lastRv, rv(createConfigMap(first.admin(), "kept-" + i, "v" + i)));
        }
        String uid = first.admin().get(CMS + "/kept-0").json().path("metadata").path("uid").asString();
        first.close();
        assertThat(first.process().isAlive()).isFalse();

        KapiServer second = start(data);
        Reply list = second.admin().get(CMS);
        assertThat(list.code()).as(list.toString()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        list.json().path("items").forEach(i -> names.add(i.path("metadata").path("name").asString()
                + "=" + i.path("data").path("k").asString()));
        assertThat(names).containsExactly("kept-0=v0", "kept-1=v1", "kept-2=v2", "kube-root-ca.crt="); // + the publisher's
        assertThat(second.admin().get(CMS + "/kept-0").json().path("metadata").path("uid").asString()).isEqualTo(uid);
        assertThat(rv(list.json())).isGreaterThanOrEqualTo(lastRv);
        assertThat(rv(createConfigMap(second.admin(), "after-restart", "new"))).isGreaterThan(lastRv);
        Reply patched = second.admin().patch(CMS + "/kept-1", "application/merge-patch+json", "{\"data\":{\"k\":\"w\"}}");
        assertThat(patched.code()).as(patched.toString()).isEqualTo(200);
        assertThat(rv(patched.json())).isGreaterThan(lastRv);
    }

    @Test
    void theDataDirAndEverythingUnderItIsTheServersUsersAlone() throws Exception {
        Path data = freshDataDir("embedded-private");
        Files.createDirectories(data.resolve("db"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data.resolve("db"), PosixFilePermissions.fromString("rwxr-xr-x"));
        KapiServer server = start(data);
        server.admin().createNamespace(NS);
        Reply secret = server.admin().post("/api/v1/namespaces/" + NS + "/secrets",
                "{\"metadata\":{\"name\":\"s\"},\"stringData\":{\"password\":\"hunter2\"}}");
        assertThat(secret.code()).as(secret.toString()).isEqualTo(201);

        Map<String, String> modes = new TreeMap<>();
        try (var walk = Files.walk(data)) {
            for (Path p : walk.toList()) {
                modes.put(data.relativize(p).toString(),
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
            }
        }
        assertThat(modes).containsKeys("", "db", "db/state.db", "db/state.db-wal", "db/state.db-shm", "pki",
                "pki/ca.crt", "pki/ca.key", "pki/sa.key", "admin.kubeconfig");
        modes.forEach((path, mode) -> assertThat(mode).as(path)
                .isEqualTo(Files.isDirectory(data.resolve(path)) ? "rwx------" : "rw-------"));
    }

    @Test
    void acknowledgedWritesSurviveASigkillAndAResumedWatchSeesEveryLaterChangeOnceInOrder() throws Exception {
        Path data = freshDataDir("embedded-kill");
        KapiServer first = start(data);
        // the process is the server JVM itself (java -jar apiserver.jar), not a wrapper script
        ProcessHandle.Info info = first.process().info();
        assertThat(info.command().orElse("")).endsWith("/java");
        assertThat(info.arguments().map(List::of).orElse(List.of())).contains("-jar");
        first.admin().createNamespace(NS);
        for (int i = 0; i < 5; i++) {
            createConfigMap(first.admin(), "seed-" + i, "s");
        }

        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        AtomicLong resumeFrom = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch someWritten = new CountDownLatch(WRITERS * 20);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < WRITERS; t++) {
            int writer = t;
            writers.add(Thread.ofPlatform().name("writer-" + t).start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String name = "w" + writer + "-" + i;
                    try {
                        Reply r = first.admin().post(CMS, "{\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"k\":\"v\"}}");
                        if (r.code() != 201) {
                            return;
                        }
                        acknowledged.put(name, rv(r.json()));
                        someWritten.countDown();
                    } catch (RuntimeException e) {
                        return; // the server is gone
                    }
                }
            }));
        }
        assertThat(someWritten.await(60, TimeUnit.SECONDS)).as("writes before the kill").isTrue();
        resumeFrom.set(rv(first.admin().get(CMS + "?limit=1").json()));
        Thread.sleep(1500); // more writes after the resume point, still going when the JVM is killed
        first.kill();
        stop.set(true);
        for (Thread w : writers) {
            w.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(first.process().isAlive()).isFalse();
        long maxAcknowledged = acknowledged.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(acknowledged.values().stream().filter(rv -> rv > resumeFrom.get()).count())
                .as("writes acknowledged between the resume point and the kill").isPositive();

        System.out.printf("EmbeddedStoreIT: %d writes acknowledged before the SIGKILL, %d after the resume point %d%n",
                acknowledged.size(), acknowledged.values().stream().filter(rv -> rv > resumeFrom.get()).count(),
                resumeFrom.get());

        KapiServer second = start(data);
        KubeHttp.Client admin = second.admin();
        Reply list = admin.get(CMS);
        assertThat(list.code()).as(list.toString()).isEqualTo(200);
        Map<String, Long> stored = new TreeMap<>();
        list.json().path("items").forEach(i -> stored.put(i.path("metadata").path("name").asString(), rv(i)));
        // every acknowledged write is there, with the resourceVersion it was acknowledged with
        assertThat(stored).containsAllEntriesOf(acknowledged);

        // what the resumed watch must show: the objects created after the resume point (acknowledged or not),
        // in resourceVersion order, then the changes made after the restart
        List<String> expected = new ArrayList<>(stored.entrySet().stream().filter(e -> e.getValue() > resumeFrom.get())
                .sorted(Map.Entry.comparingByValue()).map(e -> "ADDED " + e.getKey()).toList());
        try (WatchStream w = admin.watch(CMS + "?watch=true&resourceVersion=" + resumeFrom.get())) {
            assertThat(w.code()).isEqualTo(200);
            long afterRestart = rv(createConfigMap(admin, "after-kill", "new"));
            assertThat(afterRestart).isGreaterThan(maxAcknowledged);
            Reply patched = admin.patch(CMS + "/seed-0", "application/merge-patch+json", "{\"data\":{\"k\":\"p\"}}");
            assertThat(patched.code()).as(patched.toString()).isEqualTo(200);
            assertThat(rv(patched.json())).isGreaterThan(afterRestart);
            assertThat(admin.delete(CMS + "/seed-1").code()).isEqualTo(200);
            expected.addAll(List.of("ADDED after-kill", "MODIFIED seed-0", "DELETED seed-1"));

            List<JsonNode> events = w.next(expected.size(), 15);
            assertThat(events).extracting(e -> e.path("type").asString() + " "
                    + e.path("object").path("metadata").path("name").asString()).containsExactlyElementsOf(expected);
            assertThat(events).extracting(e -> rv(e.path("object"))).isSortedAccordingTo(Comparator.naturalOrder())
                    .doesNotHaveDuplicates();
            assertThat(w.drain(500)).isEmpty();
        }
    }
}
