package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.core.Pods;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The DaemonSet controller on real etcd: one pod per node that should run it, bound by node affinity on
 * metadata.name with kube's daemon tolerations; nodes added, tainted (NoExecute) or not selected change the
 * pods; a template change replaces pods one node at a time (maxUnavailable 1) as the new ones become Ready.
 */
@ExtendWith(EtcdExtension.class)
class DaemonSetControllerTest {

    private static final String NS = "ds";
    private static final Map<String, String> LABELS = Map.of("app", "agent");
    private AppsFixture f;
    private Store<DaemonSet> sets;
    private Store<Node> nodes;

    @BeforeEach
    void start() {
        f = new AppsFixture();
        sets = f.stores.find("apps", "v1", "daemonsets", DaemonSet.class).orElseThrow();
        nodes = f.stores.find("", "v1", "nodes", Node.class).orElseThrow();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private void node(String name, Map<String, String> labels) {
        Writes.create(nodes, null, new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .build());
    }

    private void daemonSet(Map<String, String> nodeSelector) {
        var template = AppsFixture.template(LABELS, "agent:1");
        template.getSpec().setNodeSelector(nodeSelector);
        Writes.create(sets, NS, new DaemonSetBuilder().withNewMetadata().withName("agent").endMetadata().withNewSpec()
                .withNewSelector().withMatchLabels(LABELS).endSelector().withTemplate(template).endSpec().build());
    }

    /** node=image(+ready) for each pod, sorted. */
    private String pods() {
        return f.pods(NS).stream().map(p -> DaemonSetPods.targetNode(p) + "="
                        + p.getSpec().getContainers().get(0).getImage() + (Pods.ready(p) ? "+" : ""))
                .sorted().collect(Collectors.joining(" "));
    }

    private void awaitPods(String expected) {
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(pods()).isEqualTo(expected));
    }

    /** desired/current/misscheduled/ready/available/unavailable/updated. */
    private String status() {
        DaemonSetStatus s = sets.get(NS, "agent").getStatus();
        return s == null ? "none" : s.getDesiredNumberScheduled() + "/" + s.getCurrentNumberScheduled() + "/"
                + s.getNumberMisscheduled() + "/" + s.getNumberReady() + "/" + zeroIfUnset(s.getNumberAvailable()) + "/"
                + zeroIfUnset(s.getNumberUnavailable()) + "/" + zeroIfUnset(s.getUpdatedNumberScheduled());
    }

    /** A count tagged omitempty: kube leaves out a 0, so it reads back as unset. */
    private static int zeroIfUnset(Integer n) {
        return n == null ? 0 : n;
    }

    private void readyAll() {
        for (Pod p : f.pods(NS)) {
            if (!Pods.ready(p)) {
                try {
                    f.ready(NS, p.getMetadata().getName(), true);
                } catch (RuntimeException gone) {
                    // deleted meanwhile
                }
            }
        }
    }

    @Test
    void onePodPerSelectedUntaintedNode() {
        node("n1", Map.of("role", "worker"));
        node("n2", Map.of("role", "worker"));
        node("m1", Map.of("role", "control-plane"));
        daemonSet(Map.of("role", "worker"));
        awaitPods("n1=agent:1 n2=agent:1");
        Pod pod = f.pods(NS).get(0);
        assertThat(pod.getMetadata().getGenerateName()).isEqualTo("agent-");
        assertThat(pod.getMetadata().getLabels()).containsKey(ControllerHistory.LABEL)
                .containsEntry(DaemonSetPods.GENERATION_LABEL, "1");
        assertThat(pod.getSpec().getNodeName()).isNull();
        assertThat(pod.getSpec().getTolerations()).extracting(t -> t.getKey() + ":" + t.getEffect()).contains(
                "node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unreachable:NoExecute",
                "node.kubernetes.io/unschedulable:NoSchedule");
        assertThat(AppsFixture.ownerKind(pod)).isEqualTo("DaemonSet/agent controller=true block=true");
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(status()).isEqualTo("2/2/0/0/0/2/2"));

        node("n3", Map.of("role", "worker"));
        awaitPods("n1=agent:1 n2=agent:1 n3=agent:1");
        Writes.update(nodes, null, "n3", n -> {
            n.setSpec(n.getSpec() == null ? new io.fabric8.kubernetes.api.model.NodeSpec() : n.getSpec());
            n.getSpec().setTaints(List.of(new Taint("NoExecute", "dedicated", null, "db")));
            return n;
        });
        awaitPods("n1=agent:1 n2=agent:1");
        readyAll();
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(status()).isEqualTo("2/2/0/2/2/0/2"));
    }

    @Test
    void rollingUpdateReplacesOneNodeAtATime() {
        node("n1", Map.of());
        node("n2", Map.of());
        daemonSet(null);
        awaitPods("n1=agent:1 n2=agent:1");
        readyAll();
        awaitPods("n1=agent:1+ n2=agent:1+");
        Writes.update(sets, NS, "agent", ds -> {
            ds.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("agent:2");
            return ds;
        });
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(pods())
                .isIn("n1=agent:1+ n2=agent:2", "n1=agent:2 n2=agent:1+"));
        readyAll();
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(pods())
                .isIn("n1=agent:2+ n2=agent:2", "n1=agent:2 n2=agent:2+"));
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            readyAll();
            assertThat(status()).isEqualTo("2/2/0/2/2/0/2");
        });
    }
}
