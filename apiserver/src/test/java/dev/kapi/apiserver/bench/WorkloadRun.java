package dev.kapi.apiserver.bench;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code -Dbench.workloads=true}: issue #15's benchmark. Its own etcd and a server with
 * {@code --simulated-nodes=N} ({@code -Dbench.nodes}, default 100); once the Nodes are Ready, one Deployment of
 * R replicas ({@code -Dbench.replicas}, default 1,000) is created and timed until it is Available with every
 * replica available (the Deployment, ReplicaSet, scheduler and kubelet stand-in at work: each Pod is created,
 * bound and given a Running status), with the server's CPU and heap; then deleting it is timed until its Pods
 * are gone. Baseline, in the same run: the same number of Pods' three writes (create, binding, status) made
 * straight to etcd by one client, each a put of the Pod's stored bytes.
 */
final class WorkloadRun {

    private static final String NS = "bench-workloads";

    private WorkloadRun() {
    }

    static void run(BenchOptions options, Report report) throws Exception {
        int nodes = Integer.getInteger("bench.nodes", options.quick() ? 10 : 100);
        int replicas = Integer.getInteger("bench.replicas", options.quick() ? 100 : 1000);
        LocalEtcdProcess etcdProcess = LocalEtcdProcess.start(options.workDir().resolve("etcd"));
        ServerProcess.Spec spec = ServerProcess.Spec.etcd("server-workloads", etcdProcess.endpoint(), "RBAC", null,
                "/registry");
        try (Client etcd = Client.builder().endpoints(etcdProcess.endpoint()).build();
             ServerProcess server = ServerProcess.start(options, spec, List.of("--simulated-nodes=" + nodes))) {
            report.section(String.format(Locale.ROOT, "Workloads (issue #15): a Deployment of %,d replicas on %,d "
                    + "simulated nodes, Kapi on etcd", replicas, nodes), "Kapi", "raw etcd puts");
            ApiServerBenchmark.phase("waiting for " + nodes + " simulated nodes");
            long t0 = System.nanoTime();
            until(() -> readyNodes(server) == nodes, 120);
            report.note(String.format(Locale.ROOT, "%d simulated nodes Ready %.1f s after the server was", nodes,
                    seconds(t0)));
            long heapBefore = server.usedHeapAfterGc();
            long baselineMillis = baseline(etcd.getKVClient(), replicas);

            ApiServerBenchmark.phase("Deployment of " + replicas + " replicas until Available");
            send(server, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + NS + "\"}}");
            long cpu = server.cpuMillis();
            long start = System.nanoTime();
            send(server, "POST", "/apis/apps/v1/namespaces/" + NS + "/deployments", deployment(replicas));
            until(() -> available(server) == replicas, 900);
            double took = seconds(start);
            double cpuSeconds = (server.cpuMillis() - cpu) / 1000.0;
            report.compare("Deployment created → Available, all replicas", "s", took, baselineMillis / 1000.0,
                    null, null);
            report.note(String.format(Locale.ROOT, "server CPU %.1f s in %.1f s (%.2f cores); %.0f pods/s",
                    cpuSeconds, took, cpuSeconds / took, replicas / took));
            long heap = server.usedHeapAfterGc();
            report.note(String.format(Locale.ROOT, "server heap after GC: %,d MB with the Pods (%,d MB before the "
                    + "Deployment)", heap >> 20, heapBefore >> 20));

            ApiServerBenchmark.phase("Deployment deleted until its Pods are gone");
            long deleted = System.nanoTime();
            send(server, "DELETE", "/apis/apps/v1/namespaces/" + NS + "/deployments/web", null);
            until(() -> pods(server) == 0, 900);
            report.note(String.format(Locale.ROOT, "deleting the Deployment: its %,d Pods gone after %.1f s",
                    replicas, seconds(deleted)));
        } finally {
            etcdProcess.close();
        }
    }

    /** One client's puts to etcd of what a Pod's life until Running writes: create, binding, status. */
    private static long baseline(KV kv, int replicas) throws Exception {
        byte[] pod = ("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web-0\",\"namespace\":\"" + NS
                + "\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]},"
                + "\"status\":{\"phase\":\"Running\"}}").getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        for (int i = 0; i < replicas; i++) {
            ByteSequence key = ByteSequence.from("/bench-baseline/pods/" + i, StandardCharsets.UTF_8);
            for (int write = 0; write < 3; write++) {
                kv.put(key, ByteSequence.from(pod)).get(10, TimeUnit.SECONDS);
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String deployment(int replicas) {
        return "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":" + replicas + ",\"selector\":{\"matchLabels\":"
                + "{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":"
                + "[{\"name\":\"nginx\",\"image\":\"nginx\",\"resources\":{\"requests\":{\"cpu\":\"10m\",\"memory\":"
                + "\"16Mi\"}}}]}}}}";
    }

    private interface Probe {
        boolean holds() throws Exception;
    }

    private static void until(Probe probe, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!probe.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within " + seconds + " s");
            }
            Thread.sleep(250);
        }
    }

    private static int readyNodes(ServerProcess server) throws Exception {
        int ready = 0;
        for (JsonNode node : get(server, "/api/v1/nodes").path("items")) {
            for (JsonNode c : node.path("status").path("conditions")) {
                if (c.path("type").asString().equals("Ready") && c.path("status").asString().equals("True")) {
                    ready++;
                }
            }
        }
        return ready;
    }

    private static int available(ServerProcess server) throws Exception {
        JsonNode d = get(server, "/apis/apps/v1/namespaces/" + NS + "/deployments/web");
        for (JsonNode c : d.path("status").path("conditions")) {
            if (c.path("type").asString().equals("Available") && c.path("status").asString().equals("True")) {
                return d.path("status").path("availableReplicas").asInt();
            }
        }
        return -1;
    }

    private static int pods(ServerProcess server) throws Exception {
        return get(server, "/api/v1/namespaces/" + NS + "/pods").path("items").size();
    }

    private static JsonNode get(ServerProcess server, String path) throws Exception {
        try (BenchHttp http = new BenchHttp(server.port())) {
            BenchHttp.Response r = http.send("GET", path, null);
            if (r.status() != 200) {
                throw new IllegalStateException("GET " + path + ": " + r.status() + " " + r.text());
            }
            return Json.MAPPER.readTree(r.body());
        }
    }

    private static void send(ServerProcess server, String method, String path, String body) throws Exception {
        try (BenchHttp http = new BenchHttp(server.port())) {
            BenchHttp.Response r = http.send(method, path,
                    body == null ? null : body.getBytes(StandardCharsets.UTF_8));
            if (r.status() >= 300) {
                throw new IllegalStateException(method + " " + path + ": " + r.status() + " " + r.text());
            }
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
