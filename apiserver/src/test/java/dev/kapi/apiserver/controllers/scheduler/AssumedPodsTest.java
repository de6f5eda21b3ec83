package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static dev.kapi.apiserver.controllers.scheduler.SchedulerHarness.NS;
import static dev.kapi.apiserver.controllers.scheduler.SchedulerHarness.node;
import static dev.kapi.apiserver.controllers.scheduler.SchedulerHarness.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduler's assumed pods on real etcd: its pod informer is made to see each binding late (300 ms), so only
 * the pods it has bound and remembers keep it from placing more pods on a node than the node holds.
 */
@ExtendWith(EtcdExtension.class)
class AssumedPodsTest {

    @Test
    void podsBoundButNotYetSeenStillCountOnTheirNode() throws Exception {
        Storage storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        StoreRegistry stores = TestStores.of(storage, prefix);
        Store<Pod> pods = stores.find("", "v1", "pods", Pod.class).orElseThrow();
        Store<Node> nodes = stores.find("", "v1", "nodes", Node.class).orElseThrow();
        Informer<Pod> slowPods = new Informer<>(pods, "test", InformerOptions.DEFAULTS, p -> {
            if (p.getSpec().getNodeName() != null) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new PodBuilder(p).build();
        });
        Informer<Node> nodeInformer = new Informer<>(nodes, "test", InformerOptions.DEFAULTS);
        Informer<Namespace> namespaces = new Informer<>(stores.find("", "v1", "namespaces", Namespace.class)
                .orElseThrow(), "test", InformerOptions.DEFAULTS);
        SchedulingRecorder recorder = new SchedulingRecorder(Writes.PIPELINE, pods,
                stores.find("events.k8s.io", "v1", "events", Event.class).orElseThrow());
        SpreadSelectors spreadSelectors = new SpreadSelectors(informer(stores, "", "services", Service.class),
                informer(stores, "", "replicationcontrollers", ReplicationController.class),
                informer(stores, "apps", "replicasets", ReplicaSet.class),
                informer(stores, "apps", "statefulsets", StatefulSet.class));
        Scheduler scheduler = new Scheduler(slowPods, nodeInformer, namespaces, spreadSelectors, pods, Writes.PIPELINE,
                recorder);
        List<Informer<?>> informers = new ArrayList<>(List.of(slowPods, nodeInformer, namespaces));
        informers.addAll(spreadSelectors.informers());
        try {
            Writes.create(nodes, null, node("a", "2").build());
            informers.forEach(Informer::start);
            call(scheduler, "start");
            List<String> names = IntStream.range(0, 5).mapToObj(i -> "p" + i).toList();
            names.forEach(n -> Writes.create(pods, NS, pod(n, "1").build()));
            await().atMost(SchedulerHarness.WAIT).until(() -> names.stream().filter(n -> {
                Pod p = pods.get(NS, n);
                return p.getSpec().getNodeName() != null || p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Unschedulable".equals(c.getReason()));
            }).count() == 5);
            assertThat(names.stream().filter(n -> pods.get(NS, n).getSpec().getNodeName() != null)).hasSize(2);
        } finally {
            call(scheduler, "stop");
            Informer.closeAll(informers, Informer.STOP_WAIT);
            storage.close();
        }
    }

    private static <T extends HasMetadata> Informer<T> informer(StoreRegistry stores, String group, String resource,
                                                               Class<T> type) {
        return new Informer<>(stores.find(group, "v1", resource, type).orElseThrow(), "test", InformerOptions.DEFAULTS);
    }

    /** Controller's start and stop are the manager's; the test calls them as it does. */
    private static void call(Controller controller, String method) throws Exception {
        Method m = Controller.class.getDeclaredMethod(method);
        m.setAccessible(true);
        m.invoke(controller);
    }
}
