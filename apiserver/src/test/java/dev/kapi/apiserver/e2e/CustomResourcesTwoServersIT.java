package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.testing.EtcdExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Two Kapi servers on the same etcd under the same key prefix, as replicas of one control plane: a CRD
 * created through either is served by the other within a second, and no longer served by the other within a
 * second of its deletion; custom objects written through one are read, listed and watched through the other.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class CustomResourcesTwoServersIT {

    private static final String GROUP = "replicas.scale.e2e.kapi.dev";
    private static final String CRDS = BulkCrds.CRDS;
    private static final String NS = "default";
    private static KapiServer a;
    private static KapiServer b;

    /** Both servers start at once, on threads of their own (the common pool has one thread on two cores). */
    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    static void startTwoServers() {
        String prefix = EtcdExtension.randomPrefix();
        Path dir = KapiServerExtension.e2eDir().resolve("two-servers-" + System.nanoTime());
        List<String> args = List.of("--etcd-servers=" + String.join(",", EtcdExtension.endpoints()),
                "--etcd-prefix=" + prefix);
        long t0 = System.nanoTime();
        var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        CompletableFuture<KapiServer> first = CompletableFuture.supplyAsync(
                () -> KapiServer.start("two-servers-a", dir.resolve("a"), args), threads);
        CompletableFuture<KapiServer> second = CompletableFuture.supplyAsync(
                () -> KapiServer.start("two-servers-b", dir.resolve("b"), args), threads);
        threads.shutdown();
        try {
            a = first.join();
        } finally {
            b = second.join();
        }
        System.out.printf("two servers on prefix %s ready in %d ms%n", prefix, (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stopServers() {
        for (KapiServer s : new KapiServer[] {a, b}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static String crd(String plural, String kind) {
        return """
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"%1$s.%3$s"},
                 "spec":{"group":"%3$s","scope":"Namespaced",
                   "names":{"plural":"%1$s","kind":"%4$s"},
                   "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
                     "schema":{"openAPIV3Schema":{"type":"object","properties":{
                       "spec":{"type":"object","properties":{"size":{"type":"integer","default":1}}},
                       "status":{"type":"object","properties":{"phase":{"type":"string"}}}}}}}]}}
                """.formatted(plural, null, GROUP, kind); // singular and listKind defaulted, as kube defaults them
    }

    private static String path(String plural) {
        return "/apis/" + GROUP + "/v1/namespaces/" + NS + "/" + plural;
    }

    private static long createThrough(KapiServer writer, KapiServer reader, String plural, String kind) {
        KubeHttp.Reply created = writer.admin().post(CRDS, crd(plural, kind));
        long t0 = System.nanoTime();
        assertThat(created.code()).as(created.toString()).isEqualTo(201);
        long served = BulkCrds.awaitStatus(reader.admin(), path(plural), 200, t0);
        System.out.printf("%s created through %s, served by the other in %d ms%n", plural,
                writer == a ? "A" : "B", served);
        return served;
    }

    private static long deleteThrough(KapiServer writer, KapiServer reader, String plural) {
        KubeHttp.Reply deleted = writer.admin().delete(CRDS + "/" + plural + "." + GROUP);
        long t0 = System.nanoTime();
        assertThat(deleted.code()).as(deleted.toString()).isEqualTo(200);
        long gone = BulkCrds.awaitStatus(reader.admin(), path(plural), 404, t0);
        System.out.printf("%s deleted through %s, no longer served by the other after %d ms%n", plural,
                writer == a ? "A" : "B", gone);
        return gone;
    }

    @Test
    void aCrdCreatedOnOneServerIsServedByTheOtherWithinASecondBothWays() {
        assertThat(createThrough(a, b, "ferries", "Ferry")).isLessThan(1000);
        assertThat(createThrough(b, a, "barges", "Barge")).isLessThan(1000);
        // both report it Established (each server's controller agrees on the one stored status)
        for (KapiServer s : List.of(a, b)) {
            for (String plural : List.of("ferries", "barges")) {
                JsonNode crd = s.admin().get(CRDS + "/" + plural + "." + GROUP).json();
                assertThat(crd.at("/status/conditions").findValuesAsString("type")).contains("Established");
                assertThat(crd.at("/status/acceptedNames/kind").asString()).isNotEmpty();
            }
        }
        assertThat(deleteThrough(b, a, "ferries")).isLessThan(1000);
        assertThat(deleteThrough(a, b, "barges")).isLessThan(1000);
    }

    @Test
    void objectsWrittenThroughOneServerAreReadAndWatchedThroughTheOther() {
        createThrough(a, b, "tugs", "Tug");
        try (KubeHttp.WatchStream watch = b.admin().watch(path("tugs") + "?watch=true")) {
            assertThat(watch.code()).isEqualTo(200);
            KubeHttp.Reply created = a.admin().post(path("tugs"),
                    "{\"apiVersion\":\"" + GROUP + "/v1\",\"kind\":\"Tug\",\"metadata\":{\"name\":\"t1\"},\"spec\":{}}");
            assertThat(created.code()).as(created.toString()).isEqualTo(201);
            String rv = created.json().at("/metadata/resourceVersion").asString();
            JsonNode added = watch.next(5);
            assertThat(added).as("ADDED through B").isNotNull();
            assertThat(added.path("type").asString()).isEqualTo("ADDED");
            assertThat(added.at("/object/metadata/resourceVersion").asString()).isEqualTo(rv);
            assertThat(added.at("/object/spec/size").asInt()).isEqualTo(1);

            KubeHttp.Reply status = a.admin().patch(path("tugs") + "/t1/status", "application/merge-patch+json",
                    "{\"status\":{\"phase\":\"Sailing\"}}");
            assertThat(status.code()).as(status.toString()).isEqualTo(200);
            JsonNode modified = watch.next(5);
            assertThat(modified).as("MODIFIED through B").isNotNull();
            assertThat(modified.path("type").asString()).isEqualTo("MODIFIED");
            assertThat(modified.at("/object/status/phase").asString()).isEqualTo("Sailing");

            JsonNode read = b.admin().get(path("tugs") + "/t1").json();
            assertThat(read.at("/metadata/resourceVersion").asString())
                    .isEqualTo(status.json().at("/metadata/resourceVersion").asString());
            assertThat(b.admin().get(path("tugs")).json().path("items").size()).isEqualTo(1);

            // written through B, deleted through A, seen by B's watch
            assertThat(b.admin().post(path("tugs"), "{\"apiVersion\":\"" + GROUP
                    + "/v1\",\"kind\":\"Tug\",\"metadata\":{\"name\":\"t2\"},\"spec\":{\"size\":3}}").code()).isEqualTo(201);
            assertThat(a.admin().get(path("tugs") + "/t2").json().at("/spec/size").asInt()).isEqualTo(3);
            assertThat(a.admin().delete(path("tugs") + "/t1").code()).isEqualTo(200);
            List<JsonNode> events = watch.next(2, 5);
            assertThat(events).extracting(e -> e.path("type").asString() + " " + e.at("/object/metadata/name").asString())
                    .containsExactly("ADDED t2", "DELETED t1");
        }
        // deleting the CRD through B removes the objects written through both and ends A's watches on them
        try (KubeHttp.WatchStream watchOnA = a.admin().watch(path("tugs") + "?watch=true")) {
            assertThat(watchOnA.code()).isEqualTo(200);
            assertThat(watchOnA.next(5).path("type").asString()).isEqualTo("ADDED"); // t2, as the watch starts
            deleteThrough(b, a, "tugs");
            List<String> events = new java.util.ArrayList<>();
            long t0 = System.nanoTime();
            boolean ended;
            do {
                ended = watchOnA.ended();
                watchOnA.drain(50).forEach(e -> events.add(e.path("type").asString() + " "
                        + e.at("/object/metadata/name").asString()));
            } while (!ended && System.nanoTime() - t0 < 5_000_000_000L);
            System.out.printf("A's watch after the CRD was deleted through B: events %s, ended %s after %d ms%n", events,
                    watchOnA.ended(), (System.nanoTime() - t0) / 1_000_000);
            // as kube's: the watch carries the cleanup's delete, then ends when the CRD is gone
            assertThat(events).containsExactly("DELETED t2");
            assertThat(watchOnA.ended()).as("A's watch ended after the CRD was deleted through B").isTrue();
        }
        createThrough(a, b, "tugs", "Tug");
        assertThat(b.admin().get(path("tugs")).json().path("items").size()).isZero();
        deleteThrough(a, b, "tugs");
    }
}
