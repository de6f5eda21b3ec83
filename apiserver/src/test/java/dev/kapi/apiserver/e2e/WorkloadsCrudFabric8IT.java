package dev.kapi.apiserver.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * fabric8 kubernetes-client 8 against a server with {@code --simulated-nodes=2}: the plain object cases of
 * fabric8's own integration tests (kubernetes-itests) that need no container runtime. A Pod and a Deployment
 * loaded from YAML, created, read, listed, updated with {@code edit} (no resourceVersion), fetched again through
 * {@code resourceList(...).get()} and deleted (PodIT and DeploymentIT load, get, list, update, listFromServer,
 * delete); a readiness gate's condition patched into a pod's status with {@code patchReadinessGateStatus} (PodIT
 * readinessGate, here on a pod that has the gate, which then turns Ready); a Job created with generateName (JobIT
 * testCreateWithGenerateName); pods with init containers and a Secret waited for as one list, then deleted with
 * grace period 0 until an informer sees none (WaitUntilReadyIT testBatchWaitUntilReady). The cases that exercise
 * controllers and the simulated kubelet, and the list of cases left out because they need a container runtime,
 * are in {@link WorkloadsFabric8IT}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkloadsCrudFabric8IT {

    private static final String NS = "fabric8-workloads-crud";
    private static KapiServer server;
    private static KubernetesClient client;

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    static void start() throws Exception {
        Path dir = KapiServerExtension.e2eDir().resolve("fabric8-workloads-crud-" + System.nanoTime());
        server = KapiServer.start("fabric8-workloads-crud", dir.resolve("data"), List.of("--simulated-nodes=2"));
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(server.kubeconfig())))
                .withHttpClientFactory(new JdkHttpClientFactory()).build();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
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

    private static InputStream yaml(String text) {
        return new ByteArrayInputStream(text.getBytes(UTF_8));
    }

    @Test
    void podLoadedFromYamlIsReadListedLabelledFetchedAsAListAndDeleted() {
        Pod loaded = client.pods().inNamespace(NS).load(yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: loaded-pod, labels: {case: pod-crud}}
                spec:
                  containers: [{name: nginx, image: "nginx:1.27"}]
                """)).item();
        assertThat(loaded.getMetadata().getName()).isEqualTo("loaded-pod");
        client.pods().inNamespace(NS).resource(loaded).create();
        assertThat(client.pods().inNamespace(NS).withName("loaded-pod").get()).isNotNull();
        assertThat(client.pods().inNamespace(NS).withLabel("case", "pod-crud").list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactly("loaded-pod");
        Pod edited = client.pods().inNamespace(NS).withName("loaded-pod").edit(p -> new PodBuilder(p).editMetadata()
                .withResourceVersion(null).addToLabels("edited", "yes").endMetadata().build());
        assertThat(edited.getMetadata().getLabels()).containsEntry("edited", "yes");
        Pod ready = client.pods().inNamespace(NS).withName("loaded-pod").waitUntilReady(30, TimeUnit.SECONDS);
        assertThat(client.resourceList(ready).get()).singleElement().satisfies(r -> {
            assertThat(r.getKind()).isEqualTo("Pod");
            assertThat(r.getMetadata().getNamespace()).isEqualTo(NS);
            assertThat(r.getMetadata().getName()).isEqualTo("loaded-pod");
        });
        assertThat(client.pods().inNamespace(NS).withName("loaded-pod").delete()).hasSize(1);
    }

    @Test
    void aReadinessGateConditionPatchedIntoTheStatusMakesThePodReady() {
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("gated").endMetadata()
                .withNewSpec().addNewReadinessGate().withConditionType("example.com/warm").endReadinessGate()
                .addNewContainer().withName("app").withImage("busybox").endContainer().endSpec().build()).create();
        Pod running = client.pods().inNamespace(NS).withName("gated").waitUntilCondition(p -> p.getStatus() != null
                && "Running".equals(p.getStatus().getPhase()), 30, TimeUnit.SECONDS);
        assertThat(Readiness.isPodReady(running)).isFalse();
        Pod patched = client.pods().inNamespace(NS).withName("gated")
                .patchReadinessGateStatus(Map.of("example.com/warm", true));
        assertThat(patched.getStatus().getConditions()).anyMatch(c -> c.getType().equals("example.com/warm")
                && c.getStatus().equals("True"));
        client.pods().inNamespace(NS).withName("gated").waitUntilReady(30, TimeUnit.SECONDS);
    }

    @Test
    void aListOfPodsWithInitContainersAndASecretIsWaitedForUntilReady() throws Exception {
        Pod first = client.pods().inNamespace(NS).resource(initialized("init-a")).create();
        Pod second = client.pods().inNamespace(NS).resource(initialized("init-b")).create();
        Secret secret = client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata()
                .withName("wait-list").addToLabels("case", "wait-list").endMetadata()
                .addToStringData("username", "admin").build()).create();
        List<HasMetadata> ready = client.resourceList(new KubernetesListBuilder().withItems(first, second, secret)
                .build()).waitUntilReady(60, TimeUnit.SECONDS);
        assertThat(ready).hasSize(3).filteredOn(Pod.class::isInstance).hasSize(2)
                .allMatch(p -> Readiness.isPodReady((Pod) p));

        assertThat(client.pods().inNamespace(NS).withName("init-a").withGracePeriod(0L).delete()).hasSize(1);
        assertThat(client.pods().inNamespace(NS).withName("init-b").withGracePeriod(0L).delete()).hasSize(1);
        assertThat(client.secrets().inNamespace(NS).withName("wait-list").delete()).hasSize(1);
        CompletableFuture<List<Pod>> gone = client.pods().inNamespace(NS).withLabel("case", "wait-list")
                .informOnCondition(Collection::isEmpty);
        try {
            assertThat(gone).succeedsWithin(Duration.ofSeconds(30));
        } finally {
            gone.cancel(true);
        }
    }

    private static Pod initialized(String name) {
        return new PodBuilder().withNewMetadata().withName(name).addToLabels("case", "wait-list").endMetadata()
                .withNewSpec().addNewInitContainer().withName("setup").withImage("busybox").withCommand("true")
                .endInitContainer().addNewContainer().withName("app").withImage("busybox")
                .withCommand("sleep", "3600").endContainer().endSpec().build();
    }

    @Test
    void deploymentLoadedFromYamlIsReadListedAnnotatedFetchedAsAListAndDeleted() {
        Deployment loaded = client.apps().deployments().inNamespace(NS).load(yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: loaded-deploy, labels: {case: deployment-crud}}
                spec:
                  replicas: 0
                  selector: {matchLabels: {app: loaded-deploy}}
                  template:
                    metadata: {labels: {app: loaded-deploy}}
                    spec: {containers: [{name: busybox, image: busybox, command: [sleep, "3600"]}]}
                """)).item();
        assertThat(loaded.getMetadata().getName()).isEqualTo("loaded-deploy");
        client.apps().deployments().inNamespace(NS).resource(loaded).create();
        assertThat(client.apps().deployments().inNamespace(NS).withName("loaded-deploy").get()).isNotNull();
        assertThat(client.apps().deployments().inNamespace(NS).withLabel("case", "deployment-crud").list().getItems())
                .extracting(d -> d.getMetadata().getName()).containsExactly("loaded-deploy");
        Deployment edited = client.apps().deployments().inNamespace(NS).withName("loaded-deploy")
                .edit(d -> new DeploymentBuilder(d).editMetadata().withResourceVersion(null)
                        .addToAnnotations("updated", "true").endMetadata().build());
        assertThat(edited.getMetadata().getAnnotations()).containsEntry("updated", "true");
        assertThat(client.resourceList(edited).get()).singleElement().satisfies(r -> {
            assertThat(r.getKind()).isEqualTo("Deployment");
            assertThat(r.getMetadata().getNamespace()).isEqualTo(NS);
            assertThat(r.getMetadata().getName()).isEqualTo("loaded-deploy");
        });
        assertThat(client.apps().deployments().inNamespace(NS).withName("loaded-deploy").delete()).hasSize(1);
    }

    @Test
    void aJobCreatedWithGenerateNameGetsAGeneratedName() {
        Job created = client.batch().v1().jobs().inNamespace(NS).resource(new JobBuilder().withNewMetadata()
                .withGenerateName("generated-").endMetadata().withNewSpec().withSuspend(true).withNewTemplate()
                .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("hello").withImage("busybox")
                .withCommand("echo", "hello").endContainer().endSpec().endTemplate().endSpec().build()).create();
        assertThat(created.getMetadata().getGenerateName()).isEqualTo("generated-");
        assertThat(created.getMetadata().getName()).startsWith("generated-").hasSize("generated-".length() + 5);
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName(created.getMetadata().getName()).delete())
                .hasSize(1);
    }
}
