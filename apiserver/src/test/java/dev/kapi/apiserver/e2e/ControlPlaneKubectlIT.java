package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.Kubectl.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What kubectl prints against the packaged server for the pieces of kube-apiserver that need a kubelet or an
 * extension API server, and for the flowcontrol and apiregistration groups: {@code kubectl top} finds no
 * Metrics API; {@code kubectl logs} of a pod with no node prints nothing, {@code kubectl exec} and {@code attach}
 * get kube's "does not have a host assigned"; a pod on a node gets the error of a kubelet that cannot be dialled;
 * the bootstrap flow schemas, priority levels and Local APIServices are listed with kube's columns.
 */
@ExtendWith(KapiServerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneKubectlIT {

    private static final Kubectl KUBECTL = Kubectl.named("kubectl");
    private static final String NS = "e2e-control";

    private static String ok(String... args) {
        Result r = KUBECTL.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out();
    }

    @BeforeAll
    void pods() {
        ok("create", "namespace", NS);
        Result r = KUBECTL.runWithInput("""
                apiVersion: v1
                kind: Pod
                metadata: {name: pending, namespace: e2e-control}
                spec:
                  containers: [{name: c, image: nginx}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: placed, namespace: e2e-control}
                spec:
                  nodeName: e2e-control-node
                  terminationGracePeriodSeconds: 0 # no kubelet would end it: deleted at once with the namespace
                  containers: [{name: c, image: nginx}]
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: e2e-control-node}
                """, "apply", "-f", "-");
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @AfterAll
    void cleanUp() {
        KUBECTL.run("delete", "namespace", NS, "--wait=false");
        KUBECTL.run("delete", "node", "e2e-control-node");
    }

    @Test
    void topFindsNoMetricsWithoutSimulatedNodes() {
        // metrics.k8s.io is served, but only Pods and Nodes that are simulated have usage (kubectl's message
        // when metrics-server has none yet)
        for (String what : new String[] {"pod", "node"}) {
            Result r = KUBECTL.run("top", what, "-n", NS);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err().strip()).as(r.toString()).isEqualTo("error: metrics not available yet");
        }
    }

    @Test
    void logsOfAPodWithNoNodeAreEmpty() {
        Result r = KUBECTL.run("logs", "pending", "-n", NS);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEmpty();
        Result bad = KUBECTL.run("logs", "pending", "-n", NS, "-c", "nope");
        assertThat(bad.exit()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.err().strip()).isEqualTo(
                "error: container nope is not valid for pod pending");
    }

    @Test
    void execAndAttachToAPodWithNoNodeGetKubesMessage() {
        Result exec = KUBECTL.run("exec", "pending", "-n", NS, "--", "ls");
        assertThat(exec.exit()).as(exec.toString()).isEqualTo(1);
        assertThat(exec.err().strip()).as(exec.toString())
                .isEqualTo("Error from server (BadRequest): pod pending does not have a host assigned");
        Result attach = KUBECTL.run("attach", "pending", "-n", NS);
        assertThat(attach.exit()).as(attach.toString()).isEqualTo(1);
        assertThat(attach.err().lines().toList()).as(attach.toString())
                .contains("Error from server (BadRequest): pod pending does not have a host assigned");
    }

    @Test
    void aPodOnANodeGetsTheUnreachableKubeletError() {
        Result logs = KUBECTL.run("logs", "placed", "-n", NS);
        assertThat(logs.exit()).as(logs.toString()).isEqualTo(1);
        assertThat(logs.err().strip()).as(logs.toString()).isEqualTo("Error from server: error dialing backend: no"
                + " kubelet is reachable for node \"e2e-control-node\": this server does not connect to kubelets");
        Result exec = KUBECTL.run("exec", "placed", "-n", NS, "--", "ls");
        assertThat(exec.exit()).as(exec.toString()).isEqualTo(1);
        assertThat(exec.err().strip()).as(exec.toString()).isEqualTo(logs.err().strip());
        Result proxy = KUBECTL.run("get", "--raw", "/api/v1/nodes/e2e-control-node/proxy/healthz");
        assertThat(proxy.exit()).as(proxy.toString()).isEqualTo(1);
        assertThat(proxy.err().strip()).as(proxy.toString()).isEqualTo(logs.err().strip());
        Result withPort = KUBECTL.run("get", "--raw", "/api/v1/nodes/https:e2e-control-node:10250/proxy/healthz");
        assertThat(withPort.exit()).as(withPort.toString()).isEqualTo(1);
        assertThat(withPort.err().strip()).as(withPort.toString()).isEqualTo(logs.err().strip());
    }

    @Test
    void flowControlAndApiServicesAreListedAsKubeListsThem() {
        String schemas = ok("get", "flowschemas");
        assertThat(schemas.lines().findFirst().orElseThrow().split("\\s+")).containsExactly(
                "NAME", "PRIORITYLEVEL", "MATCHINGPRECEDENCE", "DISTINGUISHERMETHOD", "AGE", "MISSINGPL");
        assertThat(schemas).containsPattern("(?m)^exempt\\s+exempt\\s+1\\s+<none>\\s+")
                .containsPattern("(?m)^catch-all\\s+catch-all\\s+10000\\s+ByUser\\s+")
                .containsPattern("(?m)^system-leader-election\\s+leader-election\\s+100\\s+ByUser\\s+");
        String levels = ok("get", "prioritylevelconfigurations");
        assertThat(levels.lines().findFirst().orElseThrow().split("\\s+")).containsExactly(
                "NAME", "TYPE", "NOMINALCONCURRENCYSHARES", "QUEUES", "HANDSIZE", "QUEUELENGTHLIMIT", "AGE");
        assertThat(levels).containsPattern("(?m)^exempt\\s+Exempt\\s+<none>\\s+<none>\\s+<none>\\s+<none>\\s+")
                .containsPattern("(?m)^workload-high\\s+Limited\\s+40\\s+128\\s+6\\s+50\\s+");
        String services = ok("get", "apiservices");
        assertThat(services.lines().findFirst().orElseThrow().split("\\s+")).containsExactly(
                "NAME", "SERVICE", "AVAILABLE", "AGE");
        assertThat(services).containsPattern("(?m)^v1\\.\\s+Local\\s+True\\s+")
                .containsPattern("(?m)^v1\\.apps\\s+Local\\s+True\\s+")
                .containsPattern("(?m)^v1\\.flowcontrol\\.apiserver\\.k8s\\.io\\s+Local\\s+True\\s+");
        assertThat(ok("api-resources", "--api-group=flowcontrol.apiserver.k8s.io", "--no-headers"))
                .contains("flowschemas").contains("prioritylevelconfigurations");
    }
}
