package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cases of fabric8's own integration tests (DeploymentIT, JobIT, PodIT, WaitUntilReadyIT, EndpointsIT) that
 * need no container runtime, with fabric8 kubernetes-client 8 against a server with {@code --simulated-nodes=2}:
 * waitUntilReady of pods and Deployments, scaling with wait, a rolling image update and undo, a Job waited for
 * until it succeeds and its log read, orphan and cascading deletes of a Deployment, Endpoints of a Service.
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
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
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
    void podWaitUntilReadyAndLog() {
        Pod pod = client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("ready")
                .endMetadata().withNewSpec().addNewContainer().withName("busybox").withImage("busybox")
                .endContainer().endSpec().build()).create();
        Pod ready = client.pods().inNamespace(NS).withName(pod.getMetadata().getName())
                .waitUntilReady(30, TimeUnit.SECONDS);
        assertThat(Readiness.isPodReady(ready)).isTrue();
        assertThat(ready.getSpec().getNodeName()).startsWith("kapi-node-");
        assertThat(ready.getStatus().getPodIP()).isNotBlank();
        assertThat(client.pods().inNamespace(NS).withName("ready").getLog()).contains("simulated");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (var exec = client.pods().inNamespace(NS).withName("ready").writingOutput(out).exec("echo", "hi")) {
            assertThat(exec.exitCode()).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(0);
        }
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("echo hi did not run in container "
                + "busybox of pod " + NS + "/ready");
        assertThat(client.pods().inNamespace(NS).withName("ready").delete()).hasSize(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> client.pods().inNamespace(NS).withName("ready").get() == null);
    }

    @Test
    void deploymentWaitUntilReadyScaleRollAndUndo() {
        client.apps().deployments().inNamespace(NS).resource(deployment("web", 2)).create();
        Deployment ready = client.apps().deployments().inNamespace(NS).withName("web")
                .waitUntilReady(60, TimeUnit.SECONDS);
        assertThat(ready.getStatus().getAvailableReplicas()).isEqualTo(2);

        Deployment scaled = client.apps().deployments().inNamespace(NS).withName("web").scale(3);
        assertThat(scaled.getSpec().getReplicas()).isEqualTo(3);
        client.apps().deployments().inNamespace(NS).withName("web").waitUntilCondition(d -> d.getStatus() != null
                && Integer.valueOf(3).equals(d.getStatus().getReadyReplicas()), 60, TimeUnit.SECONDS);

        client.apps().deployments().inNamespace(NS).withName("web").rolling().updateImage("nginx:1.28");
        client.apps().deployments().inNamespace(NS).withName("web").waitUntilCondition(d -> d.getStatus() != null
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
                .getSpec().getContainers().get(0).getImage().equals("nginx:1.27") && d.getStatus() != null
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
}
