package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.controllers.ControllerManager;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.events.v1.Event;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * The server's controllers (the scheduler among them) on a fresh etcd prefix, with helpers to write Nodes and
 * Pods as a client would and to wait for the scheduler's decisions.
 */
final class SchedulerHarness implements AutoCloseable {

    static final String NS = "sched";
    static final Duration WAIT = Duration.ofSeconds(10);

    final Store<Pod> pods;
    final Store<Node> nodes;
    final Store<Event> events;
    final StoreRegistry stores;
    private final Storage storage;
    private final ControllerManager controllers;

    SchedulerHarness() {
        this(Writes.PIPELINE);
    }

    /** Controllers writing through {@code writes} (a test's admission in it). */
    SchedulerHarness(WritePipeline writes) {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        stores = TestStores.of(storage, prefix);
        pods = stores.find("", "v1", "pods", Pod.class).orElseThrow();
        nodes = stores.find("", "v1", "nodes", Node.class).orElseThrow();
        events = stores.find("events.k8s.io", "v1", "events", Event.class).orElseThrow();
        controllers = new ControllerManager(stores, writes);
    }

    void start() {
        controllers.start();
    }

    @Override
    public void close() {
        controllers.close();
        storage.close();
    }

    /** A Ready node with the cpu given, 8Gi of memory and room for 110 pods, labelled with its hostname. */
    static NodeBuilder node(String name, String cpu) {
        return new NodeBuilder().withNewMetadata().withName(name).addToLabels("kubernetes.io/hostname", name)
                .endMetadata().withNewSpec().endSpec().withNewStatus()
                .addToAllocatable("cpu", new Quantity(cpu)).addToAllocatable("memory", new Quantity("8Gi"))
                .addToAllocatable("pods", new Quantity("110"))
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
    }

    /** A pod of one nginx container, requesting the cpu given (none when null). */
    static PodBuilder pod(String name, String cpu) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .addNewContainer().withName("app").withImage("nginx").endContainer().endSpec();
        if (cpu != null) {
            b.editSpec().editFirstContainer().withNewResources().addToRequests("cpu", new Quantity(cpu)).endResources()
                    .endContainer().endSpec();
        }
        return b;
    }

    void create(Node node) {
        Writes.create(nodes, null, node);
    }

    void create(Pod pod) {
        Writes.create(pods, NS, pod);
    }

    /** The node the pod is bound to, once it is. */
    String awaitBound(String pod) {
        await().atMost(WAIT).until(() -> nodeOf(pod) != null);
        return nodeOf(pod);
    }

    String nodeOf(String pod) {
        String node = pods.get(NS, pod).getSpec().getNodeName();
        return node == null || node.isEmpty() ? null : node;
    }

    /** The message of the pod's PodScheduled=False condition, once it is Unschedulable. */
    String awaitUnschedulable(String pod) {
        await().atMost(WAIT).until(() -> unschedulableMessage(pod) != null);
        return unschedulableMessage(pod);
    }

    String unschedulableMessage(String pod) {
        Pod p = pods.get(NS, pod);
        List<PodCondition> conditions = p.getStatus() == null || p.getStatus().getConditions() == null ? List.of()
                : p.getStatus().getConditions();
        return conditions.stream().filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                && "Unschedulable".equals(c.getReason())).map(PodCondition::getMessage).findFirst().orElse(null);
    }

    /** The events of the namespace about the pod, as "reason: note". */
    List<String> events(String pod) {
        return events.list(NS, ListParams.all()).items().stream()
                .filter(e -> pod.equals(e.getRegarding().getName()))
                .map(e -> e.getReason() + ": " + e.getNote()).toList();
    }
}
