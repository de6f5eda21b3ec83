package dev.kapi.apiserver.controllers.nodes;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionChain;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.admission.plugin.nodetaint.TaintNodesByCondition;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.controllers.ControllerRunner;
import dev.kapi.apiserver.controllers.SharedInformers;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.RecordingAdmission;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The node lifecycle controller's NoSchedule tainting pass on real etcd, behind TaintNodesByCondition: a node
 * created Ready loses the not-ready taint admission gave it, while a user's taints and a not-ready NoExecute
 * taint stay; a node not Ready keeps it, turns unreachable when Ready goes Unknown and gets memory-pressure with
 * MemoryPressure True; a cordoned node gets the unschedulable taint until it is uncordoned; a node whose taints
 * are right is not written.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeConditionTaintsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<String> controllerUpdates = new CopyOnWriteArrayList<>();
    private EtcdStorage storage;
    private WritePipeline writes;
    private Store<Node> nodes;
    private ControllerRunner running;

    @BeforeAll
    void start() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        StoreRegistry stores = TestStores.of(storage, EtcdExtension.randomPrefix());
        writes = new WritePipeline(new AdmissionChain(List.of(new TaintNodesByCondition()), List.of(recorder())));
        nodes = stores.find("", "v1", "nodes", Node.class).orElseThrow();
        SharedInformers informers = new SharedInformers(stores);
        running = ControllerRunner.start(informers, NodeConditionTaints.create(new ControllerContext(stores, writes,
                informers, 0, Duration.ofSeconds(1))));
    }

    @AfterAll
    void stop() {
        running.close();
        storage.close();
    }

    @Test
    void aReadyNodeLosesTheNotReadyTaintAndKeepsTheOthers() {
        Node created = create(node("ready", condition("Ready", "True")), new TaintBuilder().withKey("dedicated")
                .withValue("gpu").withEffect("NoSchedule").build(), new TaintBuilder()
                .withKey("node.kubernetes.io/not-ready").withEffect("NoExecute").build());
        // admission's, as the create stored it (read back, the controller may already have taken it off)
        assertThat(keys(created.getSpec().getTaints())).contains("node.kubernetes.io/not-ready:NoSchedule");
        await().atMost(WAIT).until(() -> taints("ready"), t -> !t.contains("node.kubernetes.io/not-ready:NoSchedule"));
        assertThat(taints("ready")).containsExactly("dedicated:NoSchedule", "node.kubernetes.io/not-ready:NoExecute");
    }

    @Test
    void conditionsDecideTheConditionTaints() {
        create(node("sick", condition("Ready", "False"), condition("MemoryPressure", "False")));
        setConditions("sick", condition("Ready", "Unknown"), condition("MemoryPressure", "True"));
        await().atMost(WAIT).until(() -> taints("sick"), t -> t.size() == 2 && t.contains(
                "node.kubernetes.io/unreachable:NoSchedule"));
        assertThat(taints("sick")).containsExactlyInAnyOrder("node.kubernetes.io/unreachable:NoSchedule",
                "node.kubernetes.io/memory-pressure:NoSchedule");
        assertThat(nodes.get(null, "sick").getSpec().getTaints()).allSatisfy(t -> assertThat(t.getTimeAdded())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        setConditions("sick", condition("Ready", "True"), condition("MemoryPressure", "False"));
        await().atMost(WAIT).until(() -> taints("sick"), List::isEmpty);
    }

    @Test
    void aCordonedNodeIsTaintedUnschedulableUntilUncordoned() {
        create(node("cordoned", condition("Ready", "True")));
        await().atMost(WAIT).until(() -> taints("cordoned"), List::isEmpty);
        Writes.update(nodes, null, "cordoned", n -> {
            n.getSpec().setUnschedulable(true);
            return n;
        });
        await().atMost(WAIT).until(() -> taints("cordoned"),
                t -> t.equals(List.of("node.kubernetes.io/unschedulable:NoSchedule")));
        Writes.update(nodes, null, "cordoned", n -> {
            n.getSpec().setUnschedulable(false);
            return n;
        });
        await().atMost(WAIT).until(() -> taints("cordoned"), List::isEmpty);
    }

    @Test
    void aNodeWhoseTaintsAreRightIsNotWritten() {
        create(node("quiet", condition("Ready", "True")));
        await().atMost(WAIT).until(() -> taints("quiet"), List::isEmpty);
        int before = updatesOf("quiet");
        setConditions("quiet", condition("Ready", "True"), condition("DiskPressure", "False")); // a heartbeat
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> updatesOf("quiet") == before);
        assertThat(before).isEqualTo(1);
    }

    private Node create(Node node, Taint... taints) {
        node.getSpec().setTaints(new ArrayList<>(List.of(taints)));
        return writes.create(WriteScope.of(nodes, null, Writes.ADMIN), node, OperationOptions.create());
    }

    private void setConditions(String name, NodeCondition... conditions) {
        Writes.update(nodes, null, name, "status", n -> {
            n.getStatus().setConditions(new ArrayList<>(List.of(conditions)));
            return n;
        });
    }

    private List<String> taints(String name) {
        return keys(nodes.get(null, name).getSpec().getTaints());
    }

    private static List<String> keys(List<Taint> taints) {
        return taints == null ? List.of() : taints.stream().map(t -> t.getKey() + ":" + t.getEffect()).toList();
    }

    private int updatesOf(String name) {
        return (int) controllerUpdates.stream().filter(name::equals).count();
    }

    private static Node node(String name, NodeCondition... conditions) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().endSpec()
                .withNewStatus().withConditions(conditions).endStatus().build();
    }

    private static NodeCondition condition(String type, String status) {
        return new NodeConditionBuilder().withType(type).withStatus(status).build();
    }

    private ValidatingAdmission recorder() {
        return RecordingAdmission.of(a -> {
            if (a.operation() == AdmissionAttributes.Operation.UPDATE
                    && a.user().name().equals("system:serviceaccount:kube-system:node-controller")) {
                controllerUpdates.add(a.name());
            }
        });
    }
}
