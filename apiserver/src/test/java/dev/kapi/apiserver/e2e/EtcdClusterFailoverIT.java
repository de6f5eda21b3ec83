package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.testing.EtcdCluster;
import dev.kapi.apiserver.testing.EtcdExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Two Kapi servers (replicas, each given all three {@code --etcd-servers}, in different orders so that they
 * talk to different members) on a 3-member etcd cluster. Writers create and delete ConfigMaps through both
 * replicas at once while a follower is killed (SIGKILL) and restarted, then the leader. Afterwards every
 * write a client saw acknowledged (2xx) reads back through both replicas with its content, and no
 * acknowledged delete comes back; every failed request meanwhile was a Kubernetes Status (500, 503 or 504),
 * none outlived the client's timeout. A watch on one replica sees an object created through the other.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class EtcdClusterFailoverIT {

    private static final String NS = "etcd-failover";
    private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";
    private static final int WRITERS = 4;

    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicInteger> codes = new ConcurrentHashMap<>();
    private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Creates acknowledged through replica a (0) and b (1). */
    private final AtomicInteger[] createdThrough = {new AtomicInteger(), new AtomicInteger()};

    @Test
    void noAcknowledgedWriteIsLostWhileMembersAreKilledUnderWritesThroughTwoReplicas() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.start(3)) {
            String prefix = EtcdExtension.randomPrefix();
            Path dir = KapiServerExtension.e2eDir().resolve("etcd-failover-" + System.nanoTime());
            ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
            CompletableFuture<KapiServer> startA = CompletableFuture.supplyAsync(() -> KapiServer.start(
                    "etcd-failover-a", dir.resolve("a"), args(cluster.endpointsFrom(0), prefix)), threads);
            CompletableFuture<KapiServer> startB = CompletableFuture.supplyAsync(() -> KapiServer.start(
                    "etcd-failover-b", dir.resolve("b"), args(cluster.endpointsFrom(1), prefix)), threads);
            try (KapiServer a = startA.join(); KapiServer b = startB.join()) {
                a.admin().createNamespace(NS);
                List<KubeHttp.Client> replicas = List.of(a.admin(), b.admin());
                List<CompletableFuture<Void>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    writers.add(CompletableFuture.runAsync(() -> write(writer, writer % 2, replicas.get(writer % 2)),
                            threads));
                }

                Thread.sleep(4000);
                int leader = cluster.leader();
                assertThat(leader).as("the cluster has a leader").isNotEqualTo(-1);
                // a follower that one replica talks to (replica a starts on member 0, b on member 1)
                int follower = leader == 0 ? 1 : 0;
                System.out.printf("leader m%d; killing follower m%d%n", leader, follower);
                cluster.member(follower).kill();
                int[] atFollowerKill = createdThroughEach();
                Thread.sleep(8000);
                assertThat(createdThroughEach()).as("both replicas write while follower m%d is down", follower)
                        .satisfies(now -> assertGrew(atFollowerKill, now));
                cluster.member(follower).ensureRunning();
                cluster.member(follower).awaitHealthy();
                Thread.sleep(3000);

                leader = cluster.leader();
                assertThat(leader).isNotEqualTo(-1);
                System.out.printf("killing leader m%d%n", leader);
                cluster.member(leader).kill();
                int[] atLeaderKill = createdThroughEach();
                Thread.sleep(10000);
                assertThat(createdThroughEach()).as("both replicas write again after the leader m%d died", leader)
                        .satisfies(now -> assertGrew(atLeaderKill, now));
                cluster.member(leader).ensureRunning();
                cluster.member(leader).awaitHealthy();
                int[] afterOutages = createdThroughEach();
                Thread.sleep(4000);
                stop.set(true);
                CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                System.out.printf("answers by code %s; %d objects acknowledged, %d deletes acknowledged%n",
                        new TreeMap<>(codes), acknowledged.size(), deleted.size());

                assertThat(violations).isEmpty();
                assertGrew(afterOutages, createdThroughEach());
                for (KubeHttp.Client replica : replicas) {
                    for (Map.Entry<String, String> object : acknowledged.entrySet()) {
                        KubeHttp.Reply read = replica.get(CMS + "/" + object.getKey());
                        assertThat(read.code()).as(object.getKey() + ": " + read).isEqualTo(200);
                        assertThat(read.json().path("data").path("v").asString()).isEqualTo(object.getValue());
                    }
                    for (String name : deleted) {
                        assertThat(replica.get(CMS + "/" + name).code()).as(name + " was deleted").isEqualTo(404);
                    }
                }
                seenAcrossReplicas(a.admin(), b.admin());
            } finally {
                stop.set(true);
                threads.shutdown();
            }
        }
    }

    private int[] createdThroughEach() {
        return new int[] {createdThrough[0].get(), createdThrough[1].get()};
    }

    private static void assertGrew(int[] before, int[] now) {
        assertThat(now[0]).as("creates through replica a").isGreaterThan(before[0]);
        assertThat(now[1]).as("creates through replica b").isGreaterThan(before[1]);
    }

    private static List<String> args(List<String> endpoints, String prefix) {
        return List.of("--etcd-servers=" + String.join(",", endpoints), "--etcd-prefix=" + prefix);
    }

    /** Creates ConfigMaps through {@code replica} until stopped; deletes every third one it created. */
    private void write(int writer, int replicaIndex, KubeHttp.Client replica) {
        for (int n = 0; !stop.get(); n++) {
            String name = "w" + writer + "-" + n;
            String value = name + "-" + System.nanoTime();
            KubeHttp.Reply created = send(() -> replica.post(CMS, "{\"metadata\":{\"name\":\"" + name + "\"},"
                    + "\"data\":{\"v\":\"" + value + "\"}}"), "create " + name);
            if (created != null && created.code() == 201) {
                acknowledged.put(name, value);
                createdThrough[replicaIndex].incrementAndGet();
                if (n % 3 == 0) {
                    KubeHttp.Reply gone = send(() -> replica.delete(CMS + "/" + name), "delete " + name);
                    if (gone != null && gone.code() == 200) {
                        acknowledged.remove(name);
                        deleted.add(name);
                    } else {
                        acknowledged.remove(name); // maybe deleted, maybe not: nothing was promised
                    }
                }
            }
            sleep(20);
        }
    }

    /** One request: a 2xx, or a Status with 500, 503 or 504; anything else (or no answer in time) is a violation. */
    private KubeHttp.Reply send(java.util.function.Supplier<KubeHttp.Reply> request, String what) {
        long t0 = System.nanoTime();
        KubeHttp.Reply reply;
        try {
            reply = request.get();
        } catch (RuntimeException e) {
            violations.add(what + ": no answer after " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + e);
            return null;
        }
        codes.computeIfAbsent(reply.code(), c -> new AtomicInteger()).incrementAndGet();
        if (reply.code() / 100 == 2) {
            return reply;
        }
        JsonNode body;
        try {
            body = reply.json();
        } catch (RuntimeException e) {
            violations.add(what + ": " + reply.code() + " without a Status body: " + reply.body());
            return reply;
        }
        if (!List.of(500, 503, 504).contains(reply.code()) || !"Status".equals(body.path("kind").asString())
                || body.path("code").asInt() != reply.code()) {
            violations.add(what + ": " + reply);
        }
        return reply;
    }

    private static void seenAcrossReplicas(KubeHttp.Client a, KubeHttp.Client b) {
        try (KubeHttp.WatchStream watch = b.watch(CMS + "?watch=true&fieldSelector=metadata.name%3Dseen-across")) {
            assertThat(a.post(CMS, "{\"metadata\":{\"name\":\"seen-across\"},\"data\":{\"v\":\"x\"}}").code())
                    .isEqualTo(201);
            JsonNode event = watch.next(15);
            assertThat(event).as("the watch on b saw the create through a").isNotNull();
            assertThat(event.path("type").asString()).isEqualTo("ADDED");
            assertThat(event.path("object").path("metadata").path("name").asString()).isEqualTo("seen-across");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
