package dev.kapi.apiserver.controllers.nodes;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionChain;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.admission.plugin.nodetaint.TaintNodesByCondition;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.controllers.ControllerRunner;
import dev.kapi.apiserver.controllers.SharedInformers;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.RecordingAdmission;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The simulated nodes on real etcd, with short clocks (lease every 200 ms, status every 500 ms, Job pods run
 * 1 s), through a pipeline with TaintNodesByCondition and a plugin that records every DELETE and the node
 * controller's updates: two nodes
 * registered as a kubelet registers, leases and heartbeats renewed, the not-ready taint lifted, bound pods
 * Running with IPs, a Job's pod Succeeded, deleting pods finished as their node's user, pods of other nodes
 * untouched, the kubelet's Events, and a restarted stand-in that keeps the Nodes it finds (its labels put back, the user's kept).
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatedNodesTest {

    private static final NodeTimings FAST = new NodeTimings(Duration.ofMillis(200), 40, Duration.ofMillis(500),
            Duration.ofSeconds(1));
    private static final Duration WAIT = Duration.ofSeconds(30); // an upper bound under CI load, not a timing

    private final List<AdmissionAttributes> deletes = new CopyOnWriteArrayList<>();
    private final List<AdmissionAttributes> lifecycleUpdates = new CopyOnWriteArrayList<>();
    private EtcdStorage storage;
    private StoreRegistry stores;
    private WritePipeline writes;
    private Store<Node> nodes;
    private Store<Pod> pods;
    private Store<Lease> leases;
    private ControllerRunner running;

    @BeforeAll
    void start() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        stores = TestStores.of(storage, prefix);
        writes = new WritePipeline(new AdmissionChain(List.of(new TaintNodesByCondition()), List.of(recorder())));
        nodes = stores.find("", "v1", "nodes", Node.class).orElseThrow();
        pods = stores.find("", "v1", "pods", Pod.class).orElseThrow();
        leases = stores.find("coordination.k8s.io", "v1", "leases", Lease.class).orElseThrow();
        Store<Namespace> namespaces = stores.find("", "v1", "namespaces", Namespace.class).orElseThrow();
        for (String ns : List.of("kube-node-lease", "ns")) {
            Writes.create(namespaces, null, new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build());
        }
        running = run();
    }

    private ControllerRunner run() {
        SharedInformers informers = new SharedInformers(stores);
        ControllerContext context = new ControllerContext(stores, writes, informers, 2, FAST.jobRunTime());
        List<Controller> controllers = new ArrayList<>(SimulatedNodesControllers.create(context, FAST));
        controllers.addAll(NodeConditionTaints.create(context)); // lifts the not-ready taint, as for any node
        return ControllerRunner.start(informers, controllers);
    }

    @AfterAll
    void stop() {
        running.close();
        storage.close();
    }

    @Test
    void nodesAreRegisteredAsAKubeletRegistersThem() {
        Node node = await().atMost(WAIT).until(() -> find(nodes, null, "kapi-node-1"), n -> n != null);
        assertThat(node.getMetadata().getAnnotations()).containsEntry("kapi.dev/simulated-node", "true");
        assertThat(node.getMetadata().getLabels()).containsEntry("type", "kapi")
                .containsEntry("kubernetes.io/hostname", "kapi-node-1").containsEntry("kubernetes.io/os", "linux")
                .containsEntry("kubernetes.io/arch", "amd64").containsEntry("node-role.kubernetes.io/agent", "");
        assertThat(node.getStatus().getCapacity()).containsOnlyKeys("cpu", "memory", "pods");
        assertThat(node.getStatus().getAllocatable().get("memory").toString()).isEqualTo("256Gi");
        assertThat(node.getStatus().getAllocatable().get("cpu").toString()).isEqualTo("32");
        assertThat(node.getStatus().getAllocatable().get("pods").toString()).isEqualTo("110");
        assertThat(node.getStatus().getNodeInfo().getKubeletVersion()).isEqualTo("v1.32.0-kapi");
        assertThat(node.getStatus().getNodeInfo().getOperatingSystem()).isEqualTo("linux");
        assertThat(node.getStatus().getNodeInfo().getArchitecture()).isEqualTo("amd64");
        assertThat(node.getStatus().getAddresses()).extracting(a -> a.getType() + "=" + a.getAddress())
                .containsExactly("InternalIP=10.0.0.2", "Hostname=kapi-node-1");
        assertThat(node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort()).isEqualTo(10250);
        assertThat(node.getSpec().getPodCIDR()).isEqualTo("10.244.1.0/24");
        assertThat(node.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus() + "/"
                + c.getReason()).containsExactly("MemoryPressure=False/KubeletHasSufficientMemory",
                "DiskPressure=False/KubeletHasNoDiskPressure", "PIDPressure=False/KubeletHasSufficientPID",
                "Ready=True/KubeletReady");
        assertThat(node.getMetadata().getManagedFields()).anyMatch(f -> "kubelet".equals(f.getManager()));
        // TaintNodesByCondition tainted it at create; the node lifecycle controller lifts the taint once it is Ready
        await().atMost(WAIT).until(() -> nodes.get(null, "kapi-node-1").getSpec().getTaints() == null
                || nodes.get(null, "kapi-node-1").getSpec().getTaints().isEmpty());
        AdmissionAttributes lifted = lifecycleUpdates.stream().filter(a -> "kapi-node-1".equals(a.name())).findFirst()
                .orElseThrow();
        assertThat(((Node) lifted.oldObject()).getSpec().getTaints()).extracting(t -> t.getKey() + ":" + t.getEffect())
                .containsExactly("node.kubernetes.io/not-ready:NoSchedule");
    }

    @Test
    void leasesAndStatusHeartbeatsAreRenewed() {
        Lease lease = await().atMost(WAIT).until(() -> find(leases, "kube-node-lease", "kapi-node-0"), l -> l != null);
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("kapi-node-0");
        assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(40);
        assertThat(lease.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind() + "/" + o.getName() + "/" + o.getUid()).isEqualTo(
                        "Node/kapi-node-0/" + nodes.get(null, "kapi-node-0").getMetadata().getUid()));
        Instant renewed = lease.getSpec().getRenewTime().toInstant();
        await().atMost(WAIT).until(() -> leases.get("kube-node-lease", "kapi-node-0").getSpec().getRenewTime()
                .toInstant().isAfter(renewed));
        String heartbeat = ready(nodes.get(null, "kapi-node-0")).getLastHeartbeatTime();
        String transition = ready(nodes.get(null, "kapi-node-0")).getLastTransitionTime();
        await().atMost(WAIT).until(() -> Instant.parse(ready(nodes.get(null, "kapi-node-0")).getLastHeartbeatTime())
                .isAfter(Instant.parse(heartbeat)));
        assertThat(ready(nodes.get(null, "kapi-node-0")).getLastTransitionTime()).isEqualTo(transition);
    }

    @Test
    void boundPodsRunWithAddressesOfTheirNode() {
        Pod pod = new PodBuilder(pod("web", "kapi-node-0")).editSpec().addNewInitContainer().withName("init")
                .withImage("busybox:1.36").endInitContainer().addNewContainer().withName("side")
                .withImage("registry.k8s.io/pause:3.10").endContainer().endSpec().build();
        Writes.create(pods, "ns", pod);
        Writes.create(pods, "ns", pod("web-2", "kapi-node-0"));
        Writes.create(pods, "ns", pod("other", "kapi-node-1"));
        Pod web = awaitPhase("web", "Running");
        assertThat(web.getStatus().getHostIP()).isEqualTo("10.0.0.1");
        assertThat(web.getStatus().getHostIPs()).extracting(h -> h.getIp()).containsExactly("10.0.0.1");
        assertThat(web.getStatus().getPodIP()).startsWith("10.244.0.");
        assertThat(web.getStatus().getPodIPs()).extracting(p -> p.getIp()).containsExactly(web.getStatus().getPodIP());
        assertThat(web.getStatus().getStartTime()).isNotNull();
        assertThat(web.getStatus().getQosClass()).isEqualTo("BestEffort");
        assertThat(web.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .contains("PodReadyToStartContainers=True", "Initialized=True", "ContainersReady=True", "Ready=True",
                        "PodScheduled=True");
        assertThat(web.getStatus().getContainerStatuses()).extracting(c -> c.getName()).containsExactly("c", "side");
        assertThat(web.getStatus().getContainerStatuses()).allSatisfy(c -> {
            assertThat(c.getReady()).isTrue();
            assertThat(c.getStarted()).isTrue();
            assertThat(c.getState().getRunning().getStartedAt()).isEqualTo(web.getStatus().getStartTime());
            assertThat(c.getContainerID()).matches("kapi://[0-9a-f]{64}");
            assertThat(c.getImageID()).contains("@sha256:");
        });
        assertThat(web.getStatus().getInitContainerStatuses()).singleElement().satisfies(c -> {
            assertThat(c.getState().getTerminated().getReason()).isEqualTo("Completed");
            assertThat(c.getState().getTerminated().getExitCode()).isZero();
        });
        Pod web2 = awaitPhase("web-2", "Running");
        assertThat(web2.getStatus().getPodIP()).startsWith("10.244.0.").isNotEqualTo(web.getStatus().getPodIP());
        assertThat(awaitPhase("other", "Running").getStatus().getPodIP()).startsWith("10.244.1.");
        assertThat(web.getMetadata().getManagedFields())
                .anyMatch(f -> "status".equals(f.getSubresource()) && "kubelet".equals(f.getManager()));
        await().atMost(WAIT).until(() -> eventsOf("web").size() == 9);
        assertThat(eventsOf("web")).extracting(e -> e.getInvolvedObject().getFieldPath() + " " + e.getReason() + ": "
                + e.getMessage()).contains(
                "spec.initContainers{init} Pulled: Container image \"busybox:1.36\" already present on machine",
                "spec.containers{c} Created: Created container: c",
                "spec.containers{side} Started: Started container side");
        assertThat(eventsOf("web")).allSatisfy(e -> {
            assertThat(e.getSource().getComponent()).isEqualTo("kubelet");
            assertThat(e.getSource().getHost()).isEqualTo("kapi-node-0");
            assertThat(e.getInvolvedObject().getUid()).isEqualTo(web.getMetadata().getUid());
        });
    }

    @Test
    void readinessGatesHoldReadyUntilTheirConditionIsTrue() {
        Writes.create(pods, "ns", new PodBuilder(pod("gated", "kapi-node-1")).editSpec().addNewReadinessGate()
                .withConditionType("example.com/lb").endReadinessGate().endSpec().build());
        Pod gated = awaitPhase("gated", "Running");
        assertThat(condition(gated, "Ready").getStatus()).isEqualTo("False");
        assertThat(condition(gated, "Ready").getReason()).isEqualTo("ReadinessGatesNotReady");
        Writes.update(pods, "ns", "gated", "status", p -> {
            p.getStatus().getConditions().add(new PodConditionBuilder()
                    .withType("example.com/lb").withStatus("True").build());
            return p;
        });
        await().atMost(WAIT).until(() -> "True".equals(condition(pods.get("ns", "gated"), "Ready").getStatus()));
    }

    @Test
    void aJobsPodSucceedsAfterTheRunTime() {
        Writes.create(pods, "ns", new PodBuilder(pod("job-pod", "kapi-node-1")).editMetadata().addNewOwnerReference()
                .withApiVersion("batch/v1").withKind("Job").withName("job").withUid("job-uid").withController(true)
                .endOwnerReference().endMetadata().editSpec().withRestartPolicy("Never").endSpec().build());
        Instant started = Instant.parse(awaitPhase("job-pod", "Running").getStatus().getStartTime());
        Pod done = awaitPhase("job-pod", "Succeeded");
        assertThat(done.getStatus().getContainerStatuses()).singleElement().satisfies(c -> {
            assertThat(c.getState().getTerminated().getReason()).isEqualTo("Completed");
            assertThat(c.getState().getTerminated().getExitCode()).isZero();
            assertThat(c.getReady()).isFalse();
            assertThat(Instant.parse(c.getState().getTerminated().getFinishedAt()))
                    .isAfterOrEqualTo(started.plus(FAST.jobRunTime()));
        });
        assertThat(condition(done, "Ready").getReason()).isEqualTo("PodCompleted");
        assertThat(condition(done, "Ready").getStatus()).isEqualTo("False");
    }

    @Test
    void deletingPodsAreFinishedByTheirNodeOnly() throws Exception {
        Writes.create(nodes, null, new NodeBuilder().withNewMetadata().withName("real-node").endMetadata().build());
        for (String[] p : new String[][]{{"leaving", "kapi-node-0"}, {"real", "real-node"}, {"nowhere", "gone"}}) {
            Writes.create(pods, "ns", new PodBuilder(pod(p[0], p[1])).editMetadata().addToFinalizers("test/hold")
                    .endMetadata().build());
        }
        String uid = awaitPhase("leaving", "Running").getMetadata().getUid();
        for (String name : List.of("leaving", "real", "nowhere")) {
            Writes.delete(pods, "ns", name);
        }
        AdmissionAttributes kubelets = await().atMost(WAIT).until(() -> deletes.stream()
                .filter(d -> "leaving".equals(d.name()) && d.user().name().startsWith("system:node:")).findFirst()
                .orElse(null), d -> d != null);
        assertThat(kubelets.user().name()).isEqualTo("system:node:kapi-node-0");
        assertThat(kubelets.user().groups()).contains("system:nodes");
        DeleteOptions options = (DeleteOptions) kubelets.options();
        assertThat(options.getGracePeriodSeconds()).isZero();
        assertThat(options.getPreconditions().getUid()).isEqualTo(uid);
        await().atMost(WAIT).until(() -> eventsOf("leaving").stream().anyMatch(e -> e.getReason().equals("Killing")));
        Writes.update(pods, "ns", "leaving", p -> {
            p.getMetadata().setLabels(Map.of("touched", "yes"));
            return p;
        });
        Thread.sleep(500);
        assertThat(deletes).noneMatch(d -> !"leaving".equals(d.name()) && d.user().name().startsWith("system:node:"));
        assertThat(eventsOf("leaving")).filteredOn(e -> e.getReason().equals("Killing")).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).isEqualTo("Stopping container c"));
        for (String name : List.of("real", "nowhere")) {
            Pod pod = pods.get("ns", name);
            assertThat(pod.getStatus().getPhase()).as(name).isEqualTo("Pending");
            assertThat(pod.getStatus().getPodIP()).as(name).isNull();
        }
        for (String name : List.of("leaving", "real", "nowhere")) {
            Writes.update(pods, "ns", name, p -> {
                p.getMetadata().setFinalizers(List.of());
                return p;
            });
        }
    }

    @Test
    void aRestartedStandInKeepsTheNodesItFinds() {
        await().atMost(WAIT).until(() -> find(nodes, null, "kapi-node-1"), n -> n != null);
        Map<String, String> uids = Map.of("kapi-node-0", nodes.get(null, "kapi-node-0").getMetadata().getUid(),
                "kapi-node-1", nodes.get(null, "kapi-node-1").getMetadata().getUid());
        running.close();
        String heartbeat = ready(nodes.get(null, "kapi-node-0")).getLastHeartbeatTime();
        Writes.update(nodes, null, "kapi-node-0", n -> {
            n.getMetadata().getLabels().remove("type");
            n.getMetadata().getLabels().put("team", "a");
            return n;
        });
        running = run();
        await().atMost(WAIT).until(() -> Instant.parse(ready(nodes.get(null, "kapi-node-0")).getLastHeartbeatTime())
                .isAfter(Instant.parse(heartbeat)));
        assertThat(nodes.get(null, "kapi-node-0").getMetadata().getLabels()).containsEntry("type", "kapi")
                .containsEntry("team", "a");
        List<Node> simulated = nodes.list(null, ListParams.<Node>all()).items().stream()
                .filter(SimulatedNode::isSimulated).toList();
        assertThat(simulated).extracting(n -> n.getMetadata().getName() + "=" + n.getMetadata().getUid())
                .containsExactlyInAnyOrder("kapi-node-0=" + uids.get("kapi-node-0"),
                        "kapi-node-1=" + uids.get("kapi-node-1"));
    }

    private ValidatingAdmission recorder() {
        return RecordingAdmission.of(a -> {
            if (a.operation() == AdmissionAttributes.Operation.DELETE) {
                deletes.add(a);
            }
            if (a.operation() == AdmissionAttributes.Operation.UPDATE
                    && a.user().name().equals("system:serviceaccount:kube-system:node-controller")) {
                lifecycleUpdates.add(a);
            }
        });
    }

    private List<Event> eventsOf(String pod) {
        return stores.find("", "v1", "events", Event.class).orElseThrow().list("ns", ListParams.<Event>all()).items()
                .stream().filter(e -> pod.equals(e.getInvolvedObject().getName())).toList();
    }

    private Pod awaitPhase(String name, String phase) {
        return await().atMost(WAIT).until(() -> pods.get("ns", name),
                p -> p.getStatus() != null && phase.equals(p.getStatus().getPhase()));
    }

    private static NodeCondition ready(Node node) {
        return node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
                .orElseThrow();
    }

    private static PodCondition condition(Pod pod, String type) {
        return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow();
    }

    private static <T extends HasMetadata> T find(Store<T> store, String ns, String name) {
        try {
            return store.get(ns, name);
        } catch (StatusError e) {
            return null;
        }
    }

    private static Pod pod(String name, String node) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withNodeName(node)
                .addNewContainer().withName("c").withImage("nginx:1.27").endContainer().endSpec().build();
    }
}
