package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.testing.EtcdExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Replicas of one control plane: servers on one etcd under one {@code --etcd-prefix}, sharing the CA and the
 * service-account key (B and C start with a copy of A's {@code pki/}), each on a loopback address of its own
 * ({@code --bind-address} and {@code --advertise-address} 127.0.0.2, .3, .4) on one port, as kube's replicas share
 * their port. The kubernetes Service and endpoints list the live replicas; a watch, RBAC, CRDs, admission
 * policies and webhook configurations written through one replica act on the other within a second; two replicas
 * racing to create Services never hand out one cluster IP or node port twice; a replica stopped leaves the
 * endpoints at once, one killed once its lease expired.
 */
@ExtendWith(EtcdExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 200, unit = TimeUnit.SECONDS)
class ReplicasIT {

    private static final String A_IP = "127.0.0.2";
    private static final String B_IP = "127.0.0.3";
    private static final String C_IP = "127.0.0.4";
    private static final String ENDPOINTS = "/api/v1/namespaces/default/endpoints/kubernetes";
    private static final String SLICE = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes";
    private static final long SECOND = 1000;
    private static Path dir;
    private static int port;
    private static List<String> common;
    private static KapiServer a;
    private static KapiServer b;

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    static void startTwoReplicas() throws IOException {
        dir = KapiServerExtension.e2eDir().resolve("replicas-" + System.nanoTime());
        port = KapiServer.freePort();
        common = List.of("--etcd-servers=" + String.join(",", EtcdExtension.endpoints()),
                "--etcd-prefix=" + EtcdExtension.randomPrefix(),
                // small ranges, so that racing replicas often pick the same free value
                "--service-cluster-ip-range=10.96.0.0/24", "--service-node-port-range=30000-30199",
                // the watch test expects its own ConfigMap as the first event of a new namespace
                "--controllers=*,-root-ca-cert-publisher");
        a = replica("replicas-a", A_IP);
        b = replica("replicas-b", B_IP);
    }

    /** A replica on {@code ip} with a copy of A's pki (its CA and service-account key), or A itself. */
    private static KapiServer replica(String name, String ip) {
        Path data = dir.resolve(name);
        if (a != null) {
            copyTree(a.dataDir().resolve("pki"), data.resolve("pki"));
        }
        List<String> args = new ArrayList<>(common);
        args.add("--advertise-address=" + ip);
        return KapiServer.start(name, data, ip, port, args);
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopReplicas() {
        for (KapiServer s : new KapiServer[] {a, b}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static List<String> endpointIps(KapiServer through) {
        JsonNode ep = through.admin().get(ENDPOINTS).json();
        List<String> ips = new ArrayList<>();
        ep.path("subsets").forEach(s -> s.path("addresses").forEach(x -> ips.add(x.path("ip").asString())));
        return ips;
    }

    private static List<String> sliceIps(KapiServer through) {
        List<String> ips = new ArrayList<>();
        through.admin().get(SLICE).json().path("endpoints")
                .forEach(e -> e.path("addresses").forEach(x -> ips.add(x.asString())));
        return ips;
    }

    /** Polls {@code probe} every few ms until it holds; returns the ms it took (fails after {@code maxMillis}). */
    private static long await(String what, long maxMillis, Callable<Boolean> probe) {
        long t0 = System.nanoTime();
        while (true) {
            try {
                if (probe.call()) {
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    System.out.printf("%s after %d ms%n", what, ms);
                    return ms;
                }
            } catch (Exception e) {
                throw new AssertionError(what, e);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (ms > maxMillis) {
                throw new AssertionError(what + ": not within " + maxMillis + " ms");
            }
            sleep(5);
        }
    }

    @Test
    @Order(1)
    void theKubernetesServiceAndEndpointsListBothReplicas() {
        await("both replicas in the endpoints", 15 * SECOND, () -> endpointIps(a).equals(List.of(A_IP, B_IP)));
        assertThat(endpointIps(b)).containsExactly(A_IP, B_IP);
        JsonNode ep = a.admin().get(ENDPOINTS).json();
        assertThat(ep.at("/subsets/0/ports/0/name").asString()).isEqualTo("https");
        assertThat(ep.at("/subsets/0/ports/0/port").asInt()).isEqualTo(port);
        assertThat(ep.at("/metadata/labels/endpointslice.kubernetes.io~1skip-mirror").asString()).isEqualTo("true");
        await("both replicas in the EndpointSlice", 15 * SECOND, () -> sliceIps(b).equals(List.of(A_IP, B_IP)));
        JsonNode svc = b.admin().get("/api/v1/namespaces/default/services/kubernetes").json();
        assertThat(svc.at("/spec/clusterIP").asString()).isEqualTo("10.96.0.1");
        assertThat(svc.at("/spec/ports/0/name").asString()).isEqualTo("https");
        assertThat(svc.at("/spec/ports/0/port").asInt()).isEqualTo(443);
        assertThat(svc.at("/spec/ports/0/targetPort").asInt()).isEqualTo(port);
        JsonNode leases = a.admin().get("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases"
                + "?labelSelector=apiserver.kubernetes.io/identity%3Dkube-apiserver").json();
        assertThat(leases.path("items").size()).as(leases.toString()).isEqualTo(2);
        leases.path("items").forEach(l -> {
            assertThat(l.at("/spec/leaseDurationSeconds").asInt()).isEqualTo(3600);
            assertThat(l.at("/spec/holderIdentity").asString()).startsWith(l.at("/metadata/name").asString() + "_");
        });
    }

    @Test
    @Order(2)
    void anObjectWrittenThroughOneReplicaIsSeenByAWatchOnTheOther() {
        a.admin().createNamespace("replicas-watch");
        String path = "/api/v1/namespaces/replicas-watch/configmaps";
        try (KubeHttp.WatchStream watch = b.admin().watch(path + "?watch=true")) {
            assertThat(watch.code()).isEqualTo(200);
            KubeHttp.Reply created = a.admin().post(path, "{\"metadata\":{\"name\":\"c1\"},\"data\":{\"k\":\"v\"}}");
            assertThat(created.code()).as(created.toString()).isEqualTo(201);
            JsonNode added = watch.next(5);
            assertThat(added).as("ADDED on B").isNotNull();
            assertThat(added.path("type").asString()).isEqualTo("ADDED");
            assertThat(added.at("/object/metadata/resourceVersion").asString())
                    .isEqualTo(created.json().at("/metadata/resourceVersion").asString());
            assertThat(a.admin().delete(path + "/c1").code()).isEqualTo(200);
            assertThat(watch.next(5).path("type").asString()).isEqualTo("DELETED");
        }
    }

    @Test
    @Order(3)
    void aRoleBindingGrantedThroughOneReplicaActsOnTheOtherWithinASecond() {
        a.admin().createNamespace("replicas-rbac");
        String path = "/api/v1/namespaces/replicas-rbac/configmaps";
        KubeHttp.Client alice = b.asUser("alice");
        assertThat(alice.get(path).code()).isEqualTo(403);
        KubeHttp.Reply bound = a.admin().post("/apis/rbac.authorization.k8s.io/v1/namespaces/replicas-rbac/rolebindings",
                """
                {"metadata":{"name":"alice-view"},
                 "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
                 "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"alice"}]}""");
        assertThat(bound.code()).as(bound.toString()).isEqualTo(201);
        assertThat(await("alice may list through B", 10 * SECOND, () -> alice.get(path).code() == 200))
                .isLessThanOrEqualTo(SECOND);
        assertThat(a.admin().delete("/apis/rbac.authorization.k8s.io/v1/namespaces/replicas-rbac/rolebindings/alice-view")
                .code()).isEqualTo(200);
        assertThat(await("alice is forbidden again on B", 10 * SECOND, () -> alice.get(path).code() == 403))
                .isLessThanOrEqualTo(SECOND);
    }

    @Test
    @Order(4)
    void aServiceAccountTokenIssuedByOneReplicaIsAcceptedByTheOther() {
        a.admin().createNamespace("replicas-sa");
        assertThat(a.admin().post("/api/v1/namespaces/replicas-sa/serviceaccounts", "{\"metadata\":{\"name\":\"bot\"}}")
                .code()).isEqualTo(201);
        KubeHttp.Reply token = a.admin().post("/api/v1/namespaces/replicas-sa/serviceaccounts/bot/token",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}");
        assertThat(token.code()).as(token.toString()).isEqualTo(201);
        KubeHttp.Reply review = b.withToken(token.json().at("/status/token").asString())
                .post("/apis/authentication.k8s.io/v1/selfsubjectreviews",
                        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");
        assertThat(review.code()).as(review.toString()).isEqualTo(201);
        assertThat(review.json().at("/status/userInfo/username").asString())
                .isEqualTo("system:serviceaccount:replicas-sa:bot");
    }

    @Test
    @Order(5)
    void aCrdCreatedThroughOneReplicaIsServedByTheOtherWithinASecond() {
        String group = "replicas.e2e.kapi.dev";
        KubeHttp.Reply created = a.admin().post(BulkCrds.CRDS, """
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"rafts.%1$s"},
                 "spec":{"group":"%1$s","scope":"Namespaced","names":{"plural":"rafts","kind":"Raft"},
                   "versions":[{"name":"v1","served":true,"storage":true,
                     "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
                """.formatted(group));
        assertThat(created.code()).as(created.toString()).isEqualTo(201);
        String path = "/apis/" + group + "/v1/namespaces/default/rafts";
        assertThat(await("the CRD served by B", 10 * SECOND, () -> b.admin().get(path).code() == 200))
                .isLessThanOrEqualTo(SECOND);
    }

    @Test
    @Order(6)
    void anAdmissionPolicyMadeThroughOneReplicaIsEnforcedOnTheOtherWithinASecond() {
        a.admin().createNamespace("replicas-vap");
        KubeHttp.Reply policy = a.admin().post(
                "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies", """
                {"metadata":{"name":"replicas-no-forbidden"},
                 "spec":{"failurePolicy":"Fail",
                   "matchConstraints":{"resourceRules":[{"apiGroups":[""],"apiVersions":["v1"],
                     "operations":["CREATE"],"resources":["configmaps"]}]},
                   "validations":[{"expression":"!has(object.data) || !('forbidden' in object.data)",
                     "message":"no forbidden key"}]}}""");
        assertThat(policy.code()).as(policy.toString()).isEqualTo(201);
        KubeHttp.Reply binding = a.admin().post(
                "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings", """
                {"metadata":{"name":"replicas-no-forbidden"},
                 "spec":{"policyName":"replicas-no-forbidden","validationActions":["Deny"],
                   "matchResources":{"namespaceSelector":{"matchLabels":
                     {"kubernetes.io/metadata.name":"replicas-vap"}}}}}""");
        assertThat(binding.code()).as(binding.toString()).isEqualTo(201);
        String path = "/api/v1/namespaces/replicas-vap/configmaps?dryRun=All";
        String body = "{\"metadata\":{\"name\":\"x\"},\"data\":{\"forbidden\":\"1\"}}";
        assertThat(await("the policy enforced by B", 10 * SECOND, () -> {
            KubeHttp.Reply r = b.admin().post(path, body);
            return r.code() != 201 && r.body().contains("no forbidden key");
        })).isLessThanOrEqualTo(SECOND);
        a.admin().delete("/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/replicas-no-forbidden");
        assertThat(await("the policy no longer enforced by B", 10 * SECOND,
                () -> b.admin().post(path, body).code() == 201)).isLessThanOrEqualTo(SECOND);
    }

    @Test
    @Order(7)
    void aWebhookConfigurationMadeThroughOneReplicaIsCalledByTheOtherWithinASecond() {
        a.admin().createNamespace("replicas-webhook");
        KubeHttp.Reply hook = a.admin().post(
                "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", """
                {"metadata":{"name":"replicas-unreachable"},
                 "webhooks":[{"name":"unreachable.replicas.e2e.kapi.dev","admissionReviewVersions":["v1"],
                   "sideEffects":"None","failurePolicy":"Fail","timeoutSeconds":2,
                   "clientConfig":{"url":"https://127.0.0.1:1/validate"},
                   "namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"replicas-webhook"}},
                   "rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],
                     "resources":["configmaps"]}]}]}""");
        assertThat(hook.code()).as(hook.toString()).isEqualTo(201);
        String path = "/api/v1/namespaces/replicas-webhook/configmaps?dryRun=All";
        String body = "{\"metadata\":{\"name\":\"x\"}}";
        assertThat(await("the webhook called by B", 10 * SECOND, () -> {
            KubeHttp.Reply r = b.admin().post(path, body);
            return r.code() != 201 && r.body().contains("failed calling webhook");
        })).isLessThanOrEqualTo(SECOND);
        a.admin().delete("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/replicas-unreachable");
        assertThat(await("the webhook no longer called by B", 10 * SECOND,
                () -> b.admin().post(path, body).code() == 201)).isLessThanOrEqualTo(SECOND);
    }

    @Test
    @Order(8)
    void twoReplicasRacingForClusterIpsAndNodePortsNeverHandOutOneTwice() throws Exception {
        String ns = "replicas-alloc";
        a.admin().createNamespace(ns);
        String path = "/api/v1/namespaces/" + ns + "/services";
        int perReplica = 40;
        List<KubeHttp.Reply> replies = race(perReplica, i -> "{\"metadata\":{\"name\":\"s" + i + "\"},\"spec\":{"
                + (i % 2 == 0 ? "\"type\":\"NodePort\"," : "")
                + "\"ports\":[{\"port\":80,\"name\":\"a\"},{\"port\":81,\"name\":\"b\"}]}}", path);
        Set<String> ips = new HashSet<>();
        Set<Integer> nodePorts = new HashSet<>();
        int nodePortCount = 0;
        for (KubeHttp.Reply r : replies) {
            assertThat(r.code()).as(r.toString()).isEqualTo(201);
            assertThat(ips.add(r.json().at("/spec/clusterIP").asString())).as("cluster IP handed out twice: " + r)
                    .isTrue();
            for (JsonNode p : r.json().at("/spec/ports")) {
                if (p.has("nodePort")) {
                    nodePortCount++;
                    assertThat(nodePorts.add(p.path("nodePort").asInt())).as("node port handed out twice: " + r)
                            .isTrue();
                }
            }
        }
        assertThat(ips).hasSize(2 * perReplica);
        assertThat(nodePortCount).isEqualTo(2 * perReplica); // 40 NodePort services of two ports
        assertThat(a.admin().get(path).json().path("items").size()).isEqualTo(2 * perReplica);

        // deleting (through both) releases them: services asking for exactly those values get them
        List<Future<KubeHttp.Reply>> deletes = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 2 * perReplica; i++) {
                KapiServer through = i % 2 == 0 ? a : b;
                String name = "s" + i;
                deletes.add(threads.submit(() -> through.admin().delete(path + "/" + name)));
            }
            for (Future<KubeHttp.Reply> d : deletes) {
                assertThat(d.get().code()).as(d.get().toString()).isEqualTo(200);
            }
        }
        List<String> ipList = new ArrayList<>(ips);
        List<Integer> portList = new ArrayList<>(nodePorts);
        List<KubeHttp.Reply> again = race(perReplica, i -> "{\"metadata\":{\"name\":\"r" + i + "\"},\"spec\":{"
                + "\"type\":\"NodePort\",\"clusterIP\":\"" + ipList.get(i) + "\",\"ports\":[{\"port\":80,\"nodePort\":"
                + portList.get(i) + "}]}}", path);
        assertThat(again).allSatisfy(r -> assertThat(r.code()).as(r.toString()).isEqualTo(201));
    }

    /** Creates {@code 2 * perReplica} objects, the even ones through A and the odd ones through B, at once. */
    private static List<KubeHttp.Reply> race(int perReplica, java.util.function.IntFunction<String> body, String path)
            throws Exception {
        List<Future<KubeHttp.Reply>> futures = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 2 * perReplica; i++) {
                KapiServer through = i % 2 == 0 ? a : b;
                String json = body.apply(i);
                futures.add(threads.submit(() -> through.admin().post(path, json)));
            }
            List<KubeHttp.Reply> replies = new ArrayList<>();
            for (Future<KubeHttp.Reply> f : futures) {
                replies.add(f.get());
            }
            return replies;
        }
    }

    @Test
    @Order(9)
    void aStoppedReplicaLeavesTheEndpointsAtOnceAKilledOneWhenItsLeaseExpires() {
        KapiServer c = replica("replicas-c", C_IP);
        try {
            await("C in the endpoints", 15 * SECOND, () -> endpointIps(a).equals(List.of(A_IP, B_IP, C_IP)));
            long t0 = System.nanoTime();
            c.close(); // SIGTERM
            long stopped = (System.nanoTime() - t0) / 1_000_000;
            long gone = await("C out of the endpoints after its stop", 5 * SECOND,
                    () -> endpointIps(a).equals(List.of(A_IP, B_IP)));
            System.out.printf("C stopped in %d ms%n", stopped);
            assertThat(gone).as("out as it stopped, not after a lease expired").isLessThan(2 * SECOND);
            assertThat(sliceIps(b)).containsExactly(A_IP, B_IP);
        } finally {
            c.close();
        }

        b.kill();
        long t0 = System.nanoTime();
        assertThat(endpointIps(a)).as("right after the kill: its lease is still live").contains(B_IP);
        await("B out of the endpoints after its kill", 30 * SECOND, () -> endpointIps(a).equals(List.of(A_IP)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // the lease lives 15 s after its last renewal (at most 10 s before the kill); A sees it gone at its next
        // round, at most 10 s later
        assertThat(ms).isGreaterThan(4 * SECOND).isLessThanOrEqualTo(26 * SECOND);
        await("B out of the EndpointSlice", 2 * SECOND, () -> sliceIps(a).equals(List.of(A_IP)));
    }

    private static final String CONTROLLER_LEASE =
            "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager";

    private static String controllerLeader(KapiServer through) {
        return through.admin().get(CONTROLLER_LEASE).json().at("/spec/holderIdentity").asString();
    }

    private static boolean hasDefaultAccount(KapiServer through, String namespace) {
        return through.admin().get("/api/v1/namespaces/" + namespace + "/serviceaccounts/default").code() == 200;
    }

    @Test
    @Order(10)
    void onlyTheLeaseHolderRunsTheControllersAndAnotherTakesOverWhenItStops() {
        // A started first and has led since; a new replica D waits for the Lease, the controllers act on A
        KapiServer d = replica("replicas-d", C_IP);
        try {
            String leader = controllerLeader(d);
            assertThat(leader).isNotEmpty();
            d.admin().createNamespace("replicas-leader-1");
            await("default ServiceAccount (controllers on A)", 10 * SECOND,
                    () -> hasDefaultAccount(d, "replicas-leader-1"));
            assertThat(controllerLeader(d)).isEqualTo(leader);

            a.close(); // SIGTERM: A gives the Lease up, D takes it within a retry period or two
            long took = await("D leads", 10 * SECOND, () -> {
                String now = controllerLeader(d);
                return !now.isEmpty() && !now.equals(leader);
            });
            assertThat(took).as("the released Lease is taken without waiting out its 15 s").isLessThan(8 * SECOND);
            d.admin().createNamespace("replicas-leader-2");
            await("default ServiceAccount (controllers on D)", 10 * SECOND,
                    () -> hasDefaultAccount(d, "replicas-leader-2"));
        } finally {
            d.close();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
