package dev.kapi.apiserver.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.ExecListener;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * fabric8 kubernetes-client 8 against a server with {@code --simulated-nodes=2}: the cases of fabric8's own
 * integration tests (kubernetes-itests' DeploymentIT, EndpointsIT, JobIT, PodIT, WaitUntilReadyIT) that need no
 * container runtime and exercise the controllers and the simulated kubelet; their plain object cases (load, get,
 * list, update, resourceList, delete, readiness gates, generateName, waiting for a list) are in
 * {@link WorkloadsCrudFabric8IT}. Here: waitUntilReady of a pod and a Deployment (DeploymentIT waitTest),
 * {@code scale(n, true)} (DeploymentIT scale), a pod's log read and watched (PodIT log and
 * logWatchWithoutNewLogsLongerThanDefaultTimeout: the watch holds what getLog read), exec with a listener that
 * sees the Success status, exit code 0 and a clean close (PodIT exec), a Job run to completion and its log read
 * and watched (JobIT testGetLog without its check of the command's output), Endpoints of Services with and
 * without ready pods, their port's name, protocol and target port, listed by the Service's labels (EndpointsIT);
 * beyond fabric8's cases, a rolling image update and undo and orphan and foreground deletes of a Deployment.
 * <p>
 * Left out, because they need a container runtime: what a command prints (JobIT testGetLog's exact message,
 * PodIT logWatch, logWatchLongerThanDefaultTimeout, execExitCode), interactive stdin (execInteractiveShell,
 * attach), files in the container (readFile, readFileEscapedParams, uploadFile, uploadBinaryStream,
 * uploadBinaryFile, uploadDir, copyDir, copyFile, and readFileMissingException and readDirMissingException, which
 * rest on the exit code of {@code cat}/{@code tar}), and portForward to a real port.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class WorkloadsFabric8IT {

    private static final String NS = "fabric8-workloads";
    private static KapiServer server;
    private static KubernetesClient client;

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    static void start() throws Exception {
        Path dir = KapiServerExtension.e2eDir().resolve("fabric8-workloads-" + System.nanoTime());
        server = KapiServer.start("fabric8-workloads", dir.resolve("data"), List.of("--simulated-nodes=2",
                "--simulated-job-run-time=1s"));
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(server.kubeconfig())))
                .withHttpClientFactory(new JdkHttpClientFactory()).build();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withName(NS).endMetadata().build()).create();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static Deployment deployment(String name, int replicas) {
        return new DeploymentBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec()
                .addNewContainer().withName("nginx").withImage("nginx:1.27").addNewPort().withContainerPort(80)
                .withName("http").endPort().endContainer().endSpec().endTemplate().endSpec().build();
    }

    @Test
    void podWaitUntilReadyLogExecAndDelete() {
        Pod pod = client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("ready")
                .endMetadata().withNewSpec().addNewContainer().withName("busybox").withImage("busybox")
                .endContainer().endSpec().build()).create();
        Pod ready = client.pods().inNamespace(NS).withName(pod.getMetadata().getName())
                .waitUntilReady(30, TimeUnit.SECONDS);
        assertThat(Readiness.isPodReady(ready)).isTrue();
        assertThat(ready.getSpec().getNodeName()).startsWith("kapi-node-");
        assertThat(ready.getStatus().getPodIP()).isNotBlank();
        String log = client.pods().inNamespace(NS).withName("ready").getLog();
        assertThat(log).contains("simulated");
        // PodIT's log watch of a container that writes nothing more: the watch holds what getLog read
        ByteArrayOutputStream watched = new ByteArrayOutputStream();
        try (LogWatch ignored = client.pods().inNamespace(NS).withName("ready").watchLog(watched)) {
            await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                    .until(() -> watched.toString(UTF_8).equals(log));
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicBoolean opened = new AtomicBoolean();
        CompletableFuture<Status> exited = new CompletableFuture<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        ExecListener listener = new ExecListener() {
            @Override
            public void onOpen() {
                opened.set(true);
            }

            @Override
            public void onFailure(Throwable t, Response failureResponse) {
                closed.completeExceptionally(t);
            }

            @Override
            public void onClose(int code, String reason) {
                closed.complete(code);
            }

            @Override
            public void onExit(int code, Status status) {
                exited.complete(status);
            }
        };
        try (var exec = client.pods().inNamespace(NS).withName("ready").writingOutput(out).usingListener(listener)
                .exec("echo", "hi")) {
            assertThat(exec.exitCode()).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(0);
            assertThat(exited).succeedsWithin(Duration.ofSeconds(5)).extracting(Status::getStatus).isEqualTo("Success");
            assertThat(closed).succeedsWithin(Duration.ofSeconds(5));
        }
        assertThat(opened).isTrue();
        assertThat(out.toString(UTF_8)).contains("echo hi did not run in container busybox of pod " + NS + "/ready");
        assertThat(client.pods().inNamespace(NS).withName("ready").delete()).hasSize(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> client.pods().inNamespace(NS).withName("ready").get() == null);
    }

    /** Whether the Deployment's status is of its current spec (the controller saw its latest generation). */
    private static boolean observed(Deployment d) {
        return d.getStatus() != null && d.getStatus().getObservedGeneration() != null
                && d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration();
    }

    @Test
    void deploymentWaitUntilReadyScaleRollAndUndo() {
        client.apps().deployments().inNamespace(NS).resource(deployment("web", 2)).create();
        Deployment ready = client.apps().deployments().inNamespace(NS).withName("web")
                .waitUntilReady(60, TimeUnit.SECONDS);
        assertThat(ready.getStatus().getAvailableReplicas()).isEqualTo(2);
        assertThat(Readiness.isDeploymentReady(client.apps().deployments().inNamespace(NS).withName("web").get()))
                .isTrue();

        Deployment scaled = client.apps().deployments().inNamespace(NS).withName("web").scale(3);
        assertThat(scaled.getSpec().getReplicas()).isEqualTo(3);
        client.apps().deployments().inNamespace(NS).withName("web").waitUntilCondition(d -> d.getStatus() != null
                && Integer.valueOf(3).equals(d.getStatus().getReadyReplicas()), 60, TimeUnit.SECONDS);

        client.apps().deployments().inNamespace(NS).withName("web").rolling().updateImage("nginx:1.28");
        // the status of before the update already reads 3/3/3: wait until the controller has seen the new template
        client.apps().deployments().inNamespace(NS).withName("web").waitUntilCondition(d -> observed(d)
                && Integer.valueOf(3).equals(d.getStatus().getUpdatedReplicas())
                && Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas())
                && d.getStatus().getReplicas() == 3, 90, TimeUnit.SECONDS);
        List<ReplicaSet> sets = client.apps().replicaSets().inNamespace(NS).withLabel("app", "web").list().getItems();
        assertThat(sets).hasSize(2);
        assertThat(sets).extracting(rs -> rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"))
                .containsExactlyInAnyOrder("1", "2");

        // undo patches with the resourceVersion it read: the controller's last status writes may still move it
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k
                && k.getCode() == 409).until(() -> client.apps().deployments().inNamespace(NS).withName("web")
                .rolling().undo() != null);
        client.apps().deployments().inNamespace(NS).withName("web").waitUntilCondition(d -> d.getSpec().getTemplate()
                .getSpec().getContainers().get(0).getImage().equals("nginx:1.27") && observed(d)
                && Integer.valueOf(3).equals(d.getStatus().getUpdatedReplicas())
                && Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas()), 90, TimeUnit.SECONDS);

        client.apps().deployments().inNamespace(NS).withName("web").withPropagationPolicy(DeletionPropagation.FOREGROUND)
                .delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.pods().inNamespace(NS).withLabel("app", "web")
                .list().getItems().isEmpty() && client.apps().replicaSets().inNamespace(NS).withLabel("app", "web")
                .list().getItems().isEmpty());
    }

    @Test
    void orphanDeleteLeavesTheReplicaSetAndPods() {
        client.apps().deployments().inNamespace(NS).resource(deployment("orphans", 1)).create();
        client.apps().deployments().inNamespace(NS).withName("orphans").waitUntilReady(60, TimeUnit.SECONDS);
        client.apps().deployments().inNamespace(NS).withName("orphans").withPropagationPolicy(DeletionPropagation.ORPHAN)
                .delete();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                client.apps().deployments().inNamespace(NS).withName("orphans").get() == null);
        assertThat(client.apps().replicaSets().inNamespace(NS).withLabel("app", "orphans").list().getItems())
                .hasSize(1).allMatch(rs -> rs.getMetadata().getOwnerReferences().isEmpty());
        assertThat(client.pods().inNamespace(NS).withLabel("app", "orphans").list().getItems()).hasSize(1);
    }

    @Test
    void scaleWithWaitReturnsOnceTheDeploymentCountsItsReplicas() {
        client.apps().deployments().inNamespace(NS).resource(deployment("scaled", 0)).create();
        var scaled = client.apps().deployments().inNamespace(NS).withName("scaled");
        assertThat(scaled.scale(5, true).getStatus().getReplicas()).isEqualTo(5);
        assertThat(scaled.scale(1, true).getStatus().getReplicas()).isEqualTo(1);
        // a zero status.replicas may be left out (omitempty)
        assertThat(scaled.scale(0, true).getStatus().getReplicas()).isIn(null, 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> client.pods().inNamespace(NS).withLabel("app", "scaled")
                .list().getItems().isEmpty());
    }

    @Test
    void jobRunsToCompletionAndItsLogIsRead() {
        client.batch().v1().jobs().inNamespace(NS).resource(new JobBuilder().withNewMetadata().withName("pi")
                .endMetadata().withNewSpec().withCompletions(2).withParallelism(1).withNewTemplate().withNewSpec()
                .withRestartPolicy("Never").addNewContainer().withName("pi").withImage("perl")
                .withCommand("perl", "-e", "print 3.14").endContainer().endSpec().endTemplate().endSpec().build())
                .create();
        Job done = client.batch().v1().jobs().inNamespace(NS).withName("pi").waitUntilCondition(j -> j.getStatus() != null
                && Integer.valueOf(2).equals(j.getStatus().getSucceeded()), 60, TimeUnit.SECONDS);
        assertThat(done.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Complete")
                && c.getStatus().equals("True"));
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName("pi").getLog()).contains("simulated");
        // JobIT's log watch of a Job (the simulated line, not the command's output)
        ByteArrayOutputStream watched = new ByteArrayOutputStream();
        try (LogWatch ignored = client.batch().v1().jobs().inNamespace(NS).withName("pi").withLogWaitTimeout(30)
                .watchLog(watched)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> watched.toString(UTF_8).contains("exited with code 0"));
        }
    }

    @Test
    void aServiceGetsEndpointsOfItsReadyPodsAndEndpointsAreStoredAsWritten() {
        client.apps().deployments().inNamespace(NS).resource(deployment("svc", 2)).create();
        client.apps().deployments().inNamespace(NS).withName("svc").waitUntilReady(60, TimeUnit.SECONDS);
        client.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName("svc").endMetadata()
                .withNewSpec().addToSelector("app", "svc").addNewPort().withPort(80)
                .withNewTargetPort("http").endPort().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var ep = client.endpoints().inNamespace(NS).withName("svc").get();
            return ep != null && !ep.getSubsets().isEmpty() && ep.getSubsets().get(0).getAddresses().size() == 2
                    && ep.getSubsets().get(0).getPorts().get(0).getPort() == 80;
        });
        // EndpointsIT: Endpoints of a Service without a selector are the client's
        client.endpoints().inNamespace(NS).resource(new EndpointsBuilder().withNewMetadata().withName("external")
                .endMetadata().addNewSubset().addNewAddress().withIp("10.10.1.1").endAddress().addNewPort()
                .withPort(8080).withName("http").endPort().endSubset().build()).create();
        client.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName("external")
                .endMetadata().withNewSpec().addNewPort().withPort(8080).withName("http").endPort().endSpec().build())
                .create();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> client.endpoints()
                .inNamespace(NS).withName("external").get().getSubsets().get(0).getAddresses().get(0).getIp()
                .equals("10.10.1.1"));
    }

    @Test
    void endpointsOfAServiceWithoutPodsHaveNoSubsetsAndOfOneWithAReadyPodTheTargetPort() {
        client.apps().deployments().inNamespace(NS).resource(deployment("ep-backend", 1)).create();
        client.services().inNamespace(NS).resource(listedService("ep-none", "nobody")).create();
        client.services().inNamespace(NS).resource(listedService("ep-some", "ep-backend")).create();
        client.apps().deployments().inNamespace(NS).withName("ep-backend").waitUntilReady(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Endpoints some = client.endpoints().inNamespace(NS).withName("ep-some").get();
            assertThat(some).isNotNull();
            assertThat(some.getSubsets()).singleElement().satisfies(s -> {
                assertThat(s.getAddresses()).hasSize(1);
                assertThat(s.getPorts()).singleElement().satisfies(port -> {
                    assertThat(port.getName()).isEqualTo("web");
                    assertThat(port.getProtocol()).isEqualTo("TCP");
                    assertThat(port.getPort()).isEqualTo(80);
                });
            });
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(client.endpoints().inNamespace(NS).withName("ep-none").get()).isNotNull()
                        .extracting(Endpoints::getSubsets).asInstanceOf(InstanceOfAssertFactories.LIST).isEmpty());
        assertThat(client.endpoints().inNamespace(NS).withLabel("case", "endpoints-list").list().getItems())
                .extracting(e -> e.getMetadata().getName()).containsExactlyInAnyOrder("ep-none", "ep-some");
    }

    /** A Service labelled for the Endpoints list, its port "web" 8080 sent to port 80 of the selected pods. */
    private static Service listedService(String name, String app) {
        return new ServiceBuilder().withNewMetadata().withName(name).addToLabels("case", "endpoints-list")
                .endMetadata().withNewSpec().addToSelector("app", app).addNewPort().withName("web").withPort(8080)
                .withNewTargetPort(80).endPort().endSpec().build();
    }
}
