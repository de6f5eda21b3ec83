package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.core.Pods;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The StatefulSet controller on real etcd: OrderedReady creates db-0, db-1, db-2 one at a time as each
 * becomes Ready, with the identity labels and hostname; Parallel creates them at once; scaling down removes
 * the highest ordinal first; a template change rolls pods to the new revision from the highest ordinal down.
 */
@ExtendWith(EtcdExtension.class)
class StatefulSetControllerTest {

    private static final String NS = "sts";
    private static final Map<String, String> LABELS = Map.of("app", "db");
    private AppsFixture f;
    private Store<StatefulSet> sets;

    @BeforeEach
    void start() {
        f = new AppsFixture();
        sets = f.stores.find("apps", "v1", "statefulsets", StatefulSet.class).orElseThrow();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private void statefulSet(int replicas, Consumer<StatefulSetBuilder> more) {
        StatefulSetBuilder b = new StatefulSetBuilder().withNewMetadata().withName("db").endMetadata().withNewSpec()
                .withReplicas(replicas).withServiceName("db").withNewSelector().withMatchLabels(LABELS).endSelector()
                .withTemplate(AppsFixture.template(LABELS, "postgres:1")).endSpec();
        more.accept(b);
        Writes.create(sets, NS, b.build());
    }

    /** Pods by name: revision-ready marks, sorted. */
    private String pods() {
        return f.pods(NS).stream().sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
                .map(p -> p.getMetadata().getName() + (Pods.ready(p) ? "+" : "-") + image(p))
                .collect(Collectors.joining(" "));
    }

    private static String image(Pod p) {
        return p.getSpec().getContainers().get(0).getImage().substring("postgres:".length());
    }

    private void awaitPods(String expected) {
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(pods()).isEqualTo(expected));
    }

    private void ready(String name) {
        f.ready(NS, name, true);
    }

    @Test
    void orderedReadyCreatesOneAtATimeAndScalesDownFromTheTop() throws Exception {
        statefulSet(3, b -> { });
        awaitPods("db-0-1");
        Pod first = f.pods.get(NS, "db-0");
        assertThat(first.getSpec().getHostname()).isEqualTo("db-0");
        assertThat(first.getSpec().getSubdomain()).isEqualTo("db");
        assertThat(first.getMetadata().getLabels()).containsEntry(StatefulSetPods.POD_NAME, "db-0")
                .containsEntry(StatefulSetPods.POD_INDEX, "0").containsKey(ControllerHistory.LABEL);
        assertThat(AppsFixture.ownerKind(first)).isEqualTo("StatefulSet/db controller=true block=true");
        Thread.sleep(300);
        assertThat(pods()).isEqualTo("db-0-1"); // db-1 waits for db-0
        ready("db-0");
        awaitPods("db-0+1 db-1-1");
        ready("db-1");
        awaitPods("db-0+1 db-1+1 db-2-1");
        ready("db-2");
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            StatefulSetStatus s = sets.get(NS, "db").getStatus();
            assertThat(s.getReplicas()).isEqualTo(3);
            assertThat(s.getReadyReplicas()).isEqualTo(3);
            assertThat(s.getAvailableReplicas()).isEqualTo(3);
            assertThat(s.getCurrentReplicas()).isEqualTo(3);
            assertThat(s.getUpdatedReplicas()).isEqualTo(3);
            assertThat(s.getCurrentRevision()).isEqualTo(s.getUpdateRevision()).startsWith("db-");
            assertThat(s.getObservedGeneration()).isEqualTo(1L);
        });
        String revision = sets.get(NS, "db").getStatus().getCurrentRevision();
        assertThat(f.pods.get(NS, "db-2").getMetadata().getLabels()).containsEntry(ControllerHistory.LABEL, revision);

        Writes.update(sets, NS, "db", s -> {
            s.getSpec().setReplicas(1);
            return s;
        });
        awaitPods("db-0+1");
    }

    @Test
    void parallelCreatesAllAtOnceAndRollingUpdateGoesFromTheTop() {
        statefulSet(3, b -> b.editSpec().withPodManagementPolicy("Parallel").endSpec());
        awaitPods("db-0-1 db-1-1 db-2-1");
        ready("db-0");
        ready("db-1");
        ready("db-2");
        Writes.update(sets, NS, "db", s -> {
            s.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("postgres:2");
            return s;
        });
        awaitPods("db-0+1 db-1+1 db-2-2");
        ready("db-2");
        awaitPods("db-0+1 db-1-2 db-2+2");
        ready("db-1");
        awaitPods("db-0-2 db-1+2 db-2+2");
        ready("db-0");
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            StatefulSetStatus s = sets.get(NS, "db").getStatus();
            assertThat(s.getUpdatedReplicas()).isEqualTo(3);
            assertThat(s.getCurrentReplicas()).isEqualTo(3);
            assertThat(s.getCurrentRevision()).isEqualTo(s.getUpdateRevision());
            assertThat(s.getObservedGeneration()).isEqualTo(2L);
        });
        assertThat(f.stores.find("apps", "v1", "controllerrevisions",
                io.fabric8.kubernetes.api.model.apps.ControllerRevision.class).orElseThrow()
                .list(NS, ListParams.all()).items()).hasSize(2);
    }
}
