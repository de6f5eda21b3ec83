package dev.kapi.apiserver.controllers.nodes;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionChain;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.ControllerRunner;
import dev.kapi.apiserver.controllers.SharedInformers;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.RecordingAdmission;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pod garbage collector on real etcd with short clocks (a round every 200 ms, nodes missing for 1 s count
 * as gone): a pod Terminating on a node that does not exist, and one merely bound to it, are marked Failed with
 * DisruptionTarget and deleted with grace period 0; pods of existing nodes, and of a node created within the
 * quarantine, are left alone.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodGarbageCollectorTest {

    private final List<Pod> statusWrites = new CopyOnWriteArrayList<>();
    private EtcdStorage storage;
    private Store<Pod> pods;
    private Store<Node> nodes;
    private ControllerRunner running;

    @BeforeAll
    void start() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        StoreRegistry stores = TestStores.of(storage, prefix);
        WritePipeline writes = new WritePipeline(new AdmissionChain(List.of(), List.of(recorder())));
        pods = stores.find("", "v1", "pods", Pod.class).orElseThrow();
        nodes = stores.find("", "v1", "nodes", Node.class).orElseThrow();
        Writes.create(stores.find("", "v1", "namespaces", Namespace.class).orElseThrow(), null,
                new NamespaceBuilder().withNewMetadata().withName("ns").endMetadata().build());
        SharedInformers informers = new SharedInformers(stores);
        running = ControllerRunner.start(informers, List.of(new PodGarbageCollector(
                informers.of("", "v1", "pods", Pod.class), informers.of("", "v1", "nodes", Node.class), pods, nodes,
                writes, Clock.systemUTC(), Duration.ofMillis(200), Duration.ofSeconds(1))));
    }

    @AfterAll
    void stop() {
        running.close();
        storage.close();
    }

    @Test
    void podsOfNodesThatDoNotExistAreDeletedOthersStay() {
        Writes.create(nodes, null, new NodeBuilder().withNewMetadata().withName("here").endMetadata().build());
        Writes.create(pods, "ns", pod("kept", "here"));
        Writes.create(pods, "ns", pod("terminating", "gone"));
        Writes.create(pods, "ns", pod("orphan", "gone"));
        Writes.create(pods, "ns", pod("late", "late-node"));
        assertThat(Writes.delete(pods, "ns", "terminating").deleted()).as("graceful: no kubelet").isFalse();
        Writes.create(nodes, null, new NodeBuilder().withNewMetadata().withName("late-node").endMetadata().build());

        await().atMost(Duration.ofSeconds(10)).until(() -> gone("terminating") && gone("orphan"));
        assertThat(statusWrites).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("terminating", "orphan");
        assertThat(statusWrites).allSatisfy(p -> {
            assertThat(p.getStatus().getPhase()).isEqualTo("Failed");
            assertThat(p.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("DisruptionTarget");
                assertThat(c.getReason()).isEqualTo("DeletionByPodGC");
                assertThat(c.getMessage()).isEqualTo("PodGC: node no longer exists");
            });
        });
        assertThat(gone("kept")).isFalse();
        assertThat(gone("late")).isFalse();
    }

    private boolean gone(String name) {
        try {
            pods.get("ns", name);
            return false;
        } catch (StatusError e) {
            return e.code() == 404;
        }
    }

    private ValidatingAdmission recorder() {
        return RecordingAdmission.of(a -> {
            if (a.operation() == AdmissionAttributes.Operation.UPDATE && "status".equals(a.subresource())
                    && a.user().name().equals("system:serviceaccount:kube-system:pod-garbage-collector")) {
                statusWrites.add((Pod) a.object());
            }
        });
    }

    private static Pod pod(String name, String node) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withNodeName(node)
                .addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().build();
    }
}
