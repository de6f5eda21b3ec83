package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code kubectl drain} (v1.32) through the eviction subresource and a PodDisruptionBudget whose status the
 * server's disruption controller keeps: of two Ready pods under {@code minAvailable: 1}, one is evicted and
 * the other is refused with kube's 429 until drain's timeout; the node is cordoned. Once the budget allows it
 * again, drain finishes. No kubelet runs the hand-made node, so the pods ask for no grace period: an eviction
 * deletes them at once (with one, they would stay Terminating, as on a kube cluster whose node is gone).
 */
@ExtendWith(KapiServerExtension.class)
class DrainIT {

    private static final Kubectl KUBECTL = Kubectl.named("kubectl");
    private static final String NS = "e2e-drain";
    private static final String NODE = "e2e-drain-node";

    private static Result ok(String... args) {
        Result r = KUBECTL.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private static void readyPod(String name) {
        Reply r = KubeHttp.post("/api/v1/namespaces/" + NS + "/pods", "{\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"nodeName\":\"" + NODE
                + "\",\"terminationGracePeriodSeconds\":0,\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");
        assertThat(r.code()).as(r.body()).isEqualTo(201);
        ok("patch", "pod", name, "-n", NS, "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}");
    }

    private static List<String> podsLeft() {
        JsonNode list = Json.MAPPER.readTree(KubeHttp.get("/api/v1/namespaces/" + NS + "/pods").body());
        List<String> names = new ArrayList<>();
        list.path("items").forEach(p -> names.add(p.path("metadata").path("name").asString()));
        return names;
    }

    @Test
    void drainEvictsWhatTheBudgetAllowsAndWaitsForTheRest() {
        KubeHttp.createNamespace(NS);
        Reply node = KubeHttp.post("/api/v1/nodes", "{\"metadata\":{\"name\":\"" + NODE + "\"}}");
        assertThat(node.code()).as(node.body()).isEqualTo(201);
        readyPod("web-1");
        readyPod("web-2");
        ok("create", "poddisruptionbudget", "web", "-n", NS, "--selector=app=web", "--min-available=1");
        ok("wait", "--for=jsonpath={.status.disruptionsAllowed}=1", "-n", NS, "pdb/web", "--timeout=30s");

        Result drain = KUBECTL.run("drain", NODE, "--force", "--timeout=8s");
        assertThat(drain.exit()).as(drain.toString()).isNotZero();
        assertThat(drain.out() + drain.err()).contains("node/" + NODE + " cordoned")
                .contains("Cannot evict pod as it would violate the pod's disruption budget.")
                .contains("evicted");
        assertThat(podsLeft()).hasSize(1);
        assertThat(ok("get", "node", NODE, "-o", "jsonpath={.spec.unschedulable}").out()).isEqualTo("true");
        ok("wait", "--for=jsonpath={.status.disruptionsAllowed}=0", "-n", NS, "pdb/web", "--timeout=30s");

        ok("patch", "pdb", "web", "-n", NS, "--type=merge", "-p", "{\"spec\":{\"minAvailable\":0}}");
        ok("wait", "--for=jsonpath={.status.disruptionsAllowed}=1", "-n", NS, "pdb/web", "--timeout=30s");
        Result rest = ok("drain", NODE, "--force", "--timeout=30s");
        assertThat(rest.out()).contains("node/" + NODE + " drained");
        assertThat(podsLeft()).isEmpty();
    }
}
