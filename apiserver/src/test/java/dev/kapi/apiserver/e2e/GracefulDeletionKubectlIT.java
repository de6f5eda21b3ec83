package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Graceful pod deletion as kubectl (v1.32) sees it, on a Node no kubelet runs: {@code kubectl delete} leaves the
 * pod {@code Terminating} for its 30 s grace period, a second delete may shorten it, and {@code --force
 * --grace-period=0} removes it with kubectl's warning; a pod no node runs goes at once.
 */
@ExtendWith(KapiServerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulDeletionKubectlIT {

    private static final Kubectl KUBECTL = Kubectl.named("kubectl");
    private static final String NS = "e2e-grace";
    private static final String NODE = "e2e-grace-node";

    private static Result ok(String... args) {
        Result r = KUBECTL.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private static void pod(String name, String spec) {
        Reply r = KubeHttp.post("/api/v1/namespaces/" + NS + "/pods", "{\"metadata\":{\"name\":\"" + name
                + "\"},\"spec\":{" + spec + "\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");
        assertThat(r.code()).as(r.body()).isEqualTo(201);
    }

    @AfterAll
    void cleanUp() {
        KUBECTL.run("delete", "namespace", NS, "--wait=false");
        KUBECTL.run("delete", "node", NODE);
    }

    @Test
    void aPodANodeRunsIsTerminatingUntilItsGracePeriodIsCutShort() {
        KubeHttp.createNamespace(NS);
        Reply node = KubeHttp.post("/api/v1/nodes", "{\"metadata\":{\"name\":\"" + NODE + "\"}}");
        assertThat(node.code()).as(node.body()).isEqualTo(201);
        pod("bound", "\"nodeName\":\"" + NODE + "\",");

        assertThat(ok("delete", "pod", "bound", "-n", NS, "--wait=false").out()).contains("pod \"bound\" deleted");
        assertThat(ok("get", "pod", "bound", "-n", NS, "--no-headers").out()).contains("Terminating");
        assertThat(ok("get", "pod", "bound", "-n", NS, "-o", "jsonpath={.metadata.deletionGracePeriodSeconds}")
                .out()).isEqualTo("30");

        ok("delete", "pod", "bound", "-n", NS, "--wait=false", "--grace-period=5");
        assertThat(ok("get", "pod", "bound", "-n", NS, "-o", "jsonpath={.metadata.deletionGracePeriodSeconds}")
                .out()).isEqualTo("5");
        // a longer period does not lengthen it
        ok("delete", "pod", "bound", "-n", NS, "--wait=false", "--grace-period=60");
        assertThat(ok("get", "pod", "bound", "-n", NS, "-o", "jsonpath={.metadata.deletionGracePeriodSeconds}")
                .out()).isEqualTo("5");

        Result forced = ok("delete", "pod", "bound", "-n", NS, "--force", "--grace-period=0");
        assertThat(forced.err()).contains("Immediate deletion does not wait for confirmation");
        assertThat(forced.out()).contains("pod \"bound\" force deleted");
        Result gone = KUBECTL.run("get", "pod", "bound", "-n", NS);
        assertThat(gone.err()).as(gone.toString()).contains("pods \"bound\" not found");
    }

    @Test
    void aPodNoNodeRunsGoesAtOnce() {
        KubeHttp.createNamespace(NS);
        pod("pending", "");
        assertThat(ok("delete", "pod", "pending", "-n", NS, "--timeout=10s").out())
                .contains("pod \"pending\" deleted");
        Result gone = KUBECTL.run("get", "pod", "pending", "-n", NS);
        assertThat(gone.err()).as(gone.toString()).contains("pods \"pending\" not found");
    }
}
