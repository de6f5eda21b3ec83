package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Issue 15's walk-through as a new user makes it, with kubectl v1.32 and Helm against a server started with
 * {@code --simulated-nodes=3}: a Deployment rolls out, scales, rolls to a new image and back, a Service gets
 * Endpoints and EndpointSlices of its Pods, deleting the Deployment removes its ReplicaSets and Pods, a Job
 * completes, a CronJob fires, pods' logs are the simulated node's, {@code kubectl top} shows their simulated
 * usage, {@code kubectl debug} adds running ephemeral containers, and {@code helm install --wait} of the chart
 * {@code helm create} writes succeeds.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WorkloadsKubectlIT {

    private static final String NS = "workloads";
    private static KapiServer server;
    private static Kubectl kubectl;

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    static void start() {
        Path dir = KapiServerExtension.e2eDir().resolve("workloads-" + System.nanoTime());
        server = KapiServer.start("workloads", dir.resolve("data"), List.of("--simulated-nodes=3",
                "--simulated-job-run-time=1s"));
        kubectl = Kubectl.named("kubectl").withKubeconfig(server.kubeconfig());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Result ok(String... args) {
        Result r = kubectl.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private static String out(String... args) {
        return ok(args).out().trim();
    }

    private static List<String> words(String... args) {
        String out = out(args);
        return out.isEmpty() ? List.of() : Arrays.asList(out.split("\\s+"));
    }

    /** Polls a kubectl read until {@code done} holds (at most {@code seconds}). */
    private static String until(int seconds, Predicate<String> done, String... args) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last;
        do {
            Result r = kubectl.run(args);
            last = r.out().trim();
            if (r.exit() == 0 && done.test(last)) {
                return last;
            }
            sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("kubectl " + String.join(" ", args) + " still gives \"" + last + "\" after "
                + seconds + " s");
    }

    @Test
    void aDeploymentRollsOutScalesRollsBackAndIsServedAndDeleted() throws Exception {
        ok("create", "namespace", NS);
        String ca = until(30, c -> c.contains("BEGIN CERTIFICATE"), "-n", NS, "get", "configmap", "kube-root-ca.crt",
                "-o", "jsonpath={.data.ca\\.crt}");
        assertThat(ca.replaceAll("\\s", "")).as("the server's CA").isEqualTo(java.nio.file.Files.readString(
                server.dataDir().resolve("pki/ca.crt")).replaceAll("\\s", ""));
        ok("-n", NS, "create", "cronjob", "tick", "--image=busybox", "--schedule=* * * * *", "--", "date");
        assertThat(words("get", "nodes", "-o", "jsonpath={.items[*].metadata.name}"))
                .containsExactly("kapi-node-0", "kapi-node-1", "kapi-node-2");
        ok("wait", "--for=condition=Ready", "node", "--all", "--timeout=30s");

        ok("-n", NS, "create", "deployment", "web", "--image=nginx", "--replicas=3");
        assertThat(out("-n", NS, "rollout", "status", "deployment/web", "--timeout=60s"))
                .contains("deployment \"web\" successfully rolled out");
        ok("-n", NS, "wait", "--for=condition=Available", "deployment/web", "--timeout=30s");
        assertThat(words("-n", NS, "get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].status.phase}"))
                .containsExactly("Running", "Running", "Running");
        assertThat(words("-n", NS, "get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.nodeName}"))
                .hasSize(3).allMatch(n -> n.startsWith("kapi-node-"));
        assertThat(words("-n", NS, "get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].status.podIP}"))
                .hasSize(3).doesNotHaveDuplicates();

        assertThat(until(30, t -> t.lines().count() == 4, "-n", NS, "top", "pod")).containsPattern("web-\\S+\\s+1m\\s+8Mi");
        assertThat(out("top", "node")).containsPattern("kapi-node-0\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%");

        ok("-n", NS, "scale", "deployment/web", "--replicas=5");
        ok("-n", NS, "rollout", "status", "deployment/web", "--timeout=60s");
        assertThat(out("-n", NS, "get", "deployment", "web", "-o", "jsonpath={.status.readyReplicas}")).isEqualTo("5");

        ok("-n", NS, "set", "image", "deployment/web", "nginx=nginx:1.27");
        ok("-n", NS, "rollout", "status", "deployment/web", "--timeout=90s");
        assertThat(words("-n", NS, "get", "pods", "-l", "app=web", "-o",
                "jsonpath={.items[*].spec.containers[0].image}")).hasSize(5).containsOnly("nginx:1.27");
        assertThat(words("-n", NS, "get", "replicasets", "-o", "jsonpath={.items[*].spec.replicas}"))
                .containsExactlyInAnyOrder("0", "5");

        ok("-n", NS, "rollout", "undo", "deployment/web");
        ok("-n", NS, "rollout", "status", "deployment/web", "--timeout=90s");
        assertThat(out("-n", NS, "get", "deployment", "web", "-o",
                "jsonpath={.spec.template.spec.containers[0].image}")).isEqualTo("nginx");
        assertThat(out("-n", NS, "rollout", "history", "deployment/web")).contains("2 ").contains("3 ");

        ok("-n", NS, "expose", "deployment", "web", "--port=80");
        until(30, s -> s.split("\\s+").length == 5, "-n", NS, "get", "endpoints", "web", "-o",
                "jsonpath={.subsets[*].addresses[*].ip}");
        until(30, s -> s.split("\\s+").length == 5, "-n", NS, "get", "endpointslices", "-l",
                "kubernetes.io/service-name=web", "-o", "jsonpath={.items[*].endpoints[*].addresses[0]}");

        String pod = words("-n", NS, "get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}").get(0);
        assertThat(out("-n", NS, "logs", pod)).contains("simulated");
        // exec and attach over WebSocket (kubectl's default since 1.30): the simulated node says what did not run
        Result exec = ok("-n", NS, "exec", pod, "--", "echo", "hi");
        assertThat(exec.out()).isEqualTo("kapi simulated node " + out("-n", NS, "get", "pod", pod, "-o",
                "jsonpath={.spec.nodeName}") + ": echo hi did not run in container nginx of pod " + NS + "/" + pod
                + " (the node runs no processes; this output is simulated)\n");
        assertThat(ok("-n", NS, "exec", "-i", pod, "--", "cat").out()).contains("cat did not run");
        assertThat(ok("-n", NS, "attach", pod).out()).contains("there is nothing to attach to");
        // kubectl cp runs tar: the node says on stderr that it did not run, and tar fails with exit code 1 (kubectl
        // cp keeps the remote stderr to itself and says so), where a line on stdout broke the tar stream
        Result cp = kubectl.run("cp", NS + "/" + pod + ":/etc/hostname", "/tmp/kapi-cp-" + pod);
        assertThat(cp.exit()).as(cp.toString()).isNotZero();
        assertThat(cp.err()).contains("command terminated with exit code 1").doesNotContain("unexpected EOF");
        Result tar = kubectl.run("-n", NS, "exec", pod, "--", "tar", "cf", "-", "/etc/hostname");
        assertThat(tar.exit()).isNotZero();
        assertThat(tar.out()).isEmpty();
        assertThat(tar.err()).contains("tar cf - /etc/hostname did not run").contains("exit code 1");
        debugContainersRun(pod);
        followedLogEndsWhenThePodGoes(pod);

        ok("-n", NS, "delete", "deployment", "web");
        until(30, String::isEmpty, "-n", NS, "get", "replicasets", "-o", "jsonpath={.items[*].metadata.name}");
        until(30, String::isEmpty, "-n", NS, "get", "pods", "-l", "app=web", "-o",
                "jsonpath={.items[*].metadata.name}");

        ok("-n", NS, "create", "job", "once", "--image=busybox", "--", "echo", "hi");
        ok("-n", NS, "wait", "--for=condition=complete", "job/once", "--timeout=60s");
        assertThat(out("-n", NS, "get", "job", "once", "-o", "jsonpath={.status.succeeded}")).isEqualTo("1");

        // the CronJob made at the start fires at the next whole minute
        until(75, s -> !s.isEmpty(), "-n", NS, "get", "jobs", "-o",
                "jsonpath={.items[?(@.metadata.ownerReferences[0].name==\"tick\")].metadata.name}");
        until(30, s -> !s.isEmpty(), "-n", NS, "get", "cronjob", "tick", "-o",
                "jsonpath={.status.lastScheduleTime}");
    }

    @Test
    void helmInstallWaitOfTheChartHelmCreateWrites() throws Exception {
        Path dir = Files.createTempDirectory("kapi-helm-create");
        try {
            Helm chart = Helm.create().withName("demo").withDir(dir).call();
            Release release = chart.install().withName("demo").withNamespace("helm-wait").createNamespace()
                    .withKubeConfig(server.kubeconfig()).waitReady().withTimeout(120).call();
            assertThat(release.getStatus()).isEqualTo("deployed");
            assertThat(out("-n", "helm-wait", "get", "deployment", "demo", "-o",
                    "jsonpath={.status.availableReplicas}")).isEqualTo("1");
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * {@code kubectl debug} adds ephemeral containers through {@code pods/ephemeralcontainers} (listed in
     * discovery), one targeting the pod's container; the simulated node reports each running, and its log is the
     * node's as for the pod's own containers.
     */
    private static void debugContainersRun(String pod) {
        assertThat(out("get", "--raw", "/api/v1")).contains("{\"name\":\"pods/ephemeralcontainers\",\"singularName\":"
                + "\"\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\",\"patch\",\"update\"]}");
        // pflag reads -it=false as -i -t=false: kubectl waits for the container to run, then attaches to it
        assertThat(ok("-n", NS, "debug", pod, "-it=false", "--image=busybox", "--", "true").err())
                .doesNotContain("error");
        ok("-n", NS, "debug", pod, "--image=busybox", "--target=nginx", "--container=dbg", "--", "true");
        String names = until(30, s -> s.split("\\s+").length == 2, "-n", NS, "get", "pod", pod, "-o",
                "jsonpath={.status.ephemeralContainerStatuses[*].name}");
        assertThat(names.split("\\s+")).contains("dbg").anyMatch(n -> n.startsWith("debugger-"));
        assertThat(out("-n", NS, "get", "pod", pod, "-o",
                "jsonpath={.status.ephemeralContainerStatuses[?(@.name==\"dbg\")].state.running.startedAt}"))
                .isNotEmpty();
        assertThat(out("-n", NS, "get", "pod", pod, "-o",
                "jsonpath={.spec.ephemeralContainers[?(@.name==\"dbg\")].targetContainerName}")).isEqualTo("nginx");
        assertThat(out("-n", NS, "logs", pod, "-c", "dbg")).contains("simulated");
        assertThat(out("-n", NS, "get", "events", "--field-selector", "involvedObject.name=" + pod + ",reason=Started",
                "-o", "jsonpath={.items[*].involvedObject.fieldPath}")).contains("spec.ephemeralContainers{dbg}");
    }

    /** {@code kubectl logs -f} prints the line at once and follows, as a kubelet's stream, until the pod goes. */
    private static void followedLogEndsWhenThePodGoes(String pod) throws Exception {
        Process follow = kubectl.start("-n", NS, "logs", "-f", pod);
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(follow.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            assertThat(out.readLine()).contains("simulated");
            sleep(2_000);
            assertThat(follow.isAlive()).as("still following").isTrue();
            ok("-n", NS, "delete", "pod", pod, "--wait=false");
            assertThat(follow.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)).as("ended with the pod").isTrue();
            assertThat(follow.exitValue()).isZero();
        } finally {
            follow.destroyForcibly();
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
