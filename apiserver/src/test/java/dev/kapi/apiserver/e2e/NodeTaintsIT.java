package dev.kapi.apiserver.e2e;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node registered as a kubelet registers it (status Ready) on the packaged server: admission taints it
 * not-ready, the node lifecycle controller lifts that taint, and the scheduler binds a pod to it; {@code kubectl
 * cordon} (v1.32) gets it kube's unschedulable taint and {@code uncordon} takes it off again. The node's own
 * taint, which only this test's pod tolerates, stays throughout.
 */
@ExtendWith(KapiServerExtension.class)
class NodeTaintsIT {

    private static final Kubectl KUBECTL = Kubectl.named("kubectl");
    private static final String NS = "e2e-node-taints";
    private static final String NODE = "e2e-ready-node";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Keeps other tests' pods off the node; only this test's pod tolerates it. */
    private static final String OWN_TAINT = "{\"key\":\"e2e\",\"value\":\"node-taints\",\"effect\":\"NoSchedule\"}";
    private static final String OWN = "e2e:NoSchedule";

    private static Result ok(String... args) {
        Result r = KUBECTL.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private static List<String> taints() {
        JsonNode node = Json.MAPPER.readTree(KubeHttp.get("/api/v1/nodes/" + NODE).body());
        List<String> taints = new ArrayList<>();
        node.path("spec").path("taints").forEach(t -> taints.add(t.path("key").asString() + ":"
                + t.path("effect").asString()));
        return taints;
    }

    @Test
    void aReadyNodeLosesTheNotReadyTaintTakesPodsAndIsTaintedWhileCordoned() {
        try {
            KubeHttp.createNamespace(NS);
            Reply node = KubeHttp.post("/api/v1/nodes", "{\"metadata\":{\"name\":\"" + NODE + "\",\"labels\":{"
                    + "\"kubernetes.io/hostname\":\"" + NODE + "\"}},\"spec\":{\"taints\":[" + OWN_TAINT + "]},"
                    + "\"status\":{\"allocatable\":{\"cpu\":\"4\",\"memory\":\"8Gi\",\"pods\":\"10\"},"
                    + "\"capacity\":{\"cpu\":\"4\",\"memory\":\"8Gi\",\"pods\":\"10\"},"
                    + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\"}]}}");
            assertThat(node.code()).as(node.body()).isEqualTo(201);
            assertThat(node.body()).contains("node.kubernetes.io/not-ready"); // TaintNodesByCondition's
            await().atMost(WAIT).until(NodeTaintsIT::taints, t -> t.equals(List.of(OWN)));

            Reply pod = KubeHttp.post("/api/v1/namespaces/" + NS + "/pods", "{\"metadata\":{\"name\":\"web\"},"
                    + "\"spec\":{\"nodeSelector\":{\"kubernetes.io/hostname\":\"" + NODE + "\"},"
                    + "\"tolerations\":[{\"key\":\"e2e\",\"operator\":\"Exists\"}],"
                    + "\"terminationGracePeriodSeconds\":0,\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");
            assertThat(pod.code()).as(pod.body()).isEqualTo(201);
            ok("wait", "--for=jsonpath={.spec.nodeName}=" + NODE, "-n", NS, "pod/web", "--timeout=20s");

            ok("cordon", NODE);
            await().atMost(WAIT).until(NodeTaintsIT::taints,
                    t -> t.equals(List.of(OWN, "node.kubernetes.io/unschedulable:NoSchedule")));
            ok("uncordon", NODE);
            await().atMost(WAIT).until(NodeTaintsIT::taints, t -> t.equals(List.of(OWN)));
        } finally {
            KUBECTL.run("delete", "namespace", NS, "--ignore-not-found", "--wait=false");
            KUBECTL.run("delete", "node", NODE, "--ignore-not-found");
        }
    }
}
