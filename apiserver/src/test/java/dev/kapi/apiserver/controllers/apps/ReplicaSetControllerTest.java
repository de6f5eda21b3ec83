package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ReplicaSet controller and the ReplicationController manager on real etcd: pods created from the template
 * with kube's names and controller references, status as pods become Ready and available, surplus pods deleted
 * not-ready first, orphans adopted and non-matching pods released, never more pods than asked for, and the
 * ReplicaFailure condition while creates are refused.
 */
@ExtendWith(EtcdExtension.class)
class ReplicaSetControllerTest {

    private static final String NS = "rs";
    private static final Map<String, String> LABELS = Map.of("app", "web");
    private AppsFixture f;

    @BeforeEach
    void start() {
        f = new AppsFixture();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private void replicaSet(String name, int replicas, int minReadySeconds) {
        Writes.create(f.replicaSets, NS, new ReplicaSetBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas).withMinReadySeconds(minReadySeconds).withNewSelector()
                .withMatchLabels(LABELS).endSelector().withTemplate(AppsFixture.template(LABELS, "nginx")).endSpec()
                .build());
    }

    private void scale(String name, int replicas) {
        Writes.update(f.replicaSets, NS, name, rs -> {
            rs.getSpec().setReplicas(replicas);
            return rs;
        });
    }

    /** replicas/fullyLabeled/ready/available@observedGeneration. */
    private String status(String name) {
        ReplicaSet rs = f.replicaSets.get(NS, name);
        ReplicaSetStatus s = rs.getStatus();
        return s == null ? "none" : n(s.getReplicas()) + "/" + n(s.getFullyLabeledReplicas()) + "/"
                + n(s.getReadyReplicas()) + "/" + n(s.getAvailableReplicas()) + "@" + s.getObservedGeneration()
                + " of generation " + rs.getMetadata().getGeneration();
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }

    private void awaitStatus(String name, String expected) {
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(status(name)).isEqualTo(expected));
    }

    private void awaitPods(int count) {
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(f.pods(NS)).hasSize(count));
    }

    @Test
    void createsPodsFromTheTemplateAndScalesDownNotReadyFirst() {
        replicaSet("web", 3, 0);
        awaitPods(3);
        awaitStatus("web", "3/3/0/0@1 of generation 1");
        for (Pod p : f.pods(NS)) {
            assertThat(p.getMetadata().getGenerateName()).isEqualTo("web-");
            assertThat(p.getMetadata().getName()).matches("web-[a-z0-9]{5}");
            assertThat(p.getMetadata().getLabels()).isEqualTo(LABELS);
            assertThat(AppsFixture.ownerKind(p)).isEqualTo("ReplicaSet/web controller=true block=true");
        }
        List<Pod> pods = f.pods(NS);
        f.ready(NS, pods.get(0).getMetadata().getName(), true);
        f.ready(NS, pods.get(2).getMetadata().getName(), true);
        awaitStatus("web", "3/3/2/2@1 of generation 1");

        scale("web", 2);
        awaitStatus("web", "2/2/2/2@2 of generation 2");
        assertThat(names(f.pods(NS))).containsExactlyInAnyOrder(pods.get(0).getMetadata().getName(),
                pods.get(2).getMetadata().getName());

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(f.events(NS))
                .contains("ReplicaSet/web Normal SuccessfulCreate: Created pod: " + pods.get(1).getMetadata().getName(),
                        "ReplicaSet/web Normal SuccessfulDelete: Deleted pod: " + pods.get(1).getMetadata().getName()));

        scale("web", 0);
        awaitPods(0);
        awaitStatus("web", "0/0/0/0@3 of generation 3");
    }

    @Test
    void replacesADeletedPodAndNeverOverCreates() throws Exception {
        // each pod seen queues the set again while its informer has not seen the later ones: expectations hold it
        replicaSet("web", 40, 0);
        awaitPods(40);
        Writes.delete(f.pods, NS, f.pods(NS).get(0).getMetadata().getName());
        awaitPods(40);
        awaitStatus("web", "40/40/0/0@1 of generation 1");
        Thread.sleep(300);
        // every create and delete is an event: 41 pods created, none deleted (none too many was made)
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(f.events(NS).stream()
                .filter(e -> e.contains("SuccessfulCreate"))).hasSizeGreaterThanOrEqualTo(41));
        assertThat(f.events(NS).stream().filter(e -> e.contains("SuccessfulCreate"))).hasSize(41);
        assertThat(f.events(NS).stream().filter(e -> e.contains("SuccessfulDelete"))).isEmpty();
    }

    @Test
    void adoptsMatchingOrphansAndReleasesPodsThatStopMatching() {
        Writes.create(f.pods, NS, new PodBuilder().withNewMetadata().withName("orphan").withLabels(LABELS)
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("nginx").endContainer()
                .endSpec().build());
        replicaSet("web", 2, 0);
        awaitPods(2);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                AppsFixture.ownerKind(f.pods.get(NS, "orphan"))).isEqualTo("ReplicaSet/web controller=true block=true"));

        Writes.update(f.pods, NS, "orphan", p -> {
            p.getMetadata().setLabels(Map.of("app", "debug"));
            return p;
        });
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(f.pods.get(NS, "orphan").getMetadata().getOwnerReferences()).isNullOrEmpty();
            assertThat(f.pods(NS)).hasSize(3);
        });
        awaitStatus("web", "2/2/0/0@1 of generation 1");
    }

    @Test
    void availableOnlyAfterMinReadySeconds() {
        // Ready times have seconds: available 3 to 4 s after Ready, time enough to see the state before it
        replicaSet("slow", 1, 4);
        awaitPods(1);
        f.ready(NS, f.pods(NS).get(0).getMetadata().getName(), true);
        awaitStatus("slow", "1/1/1/0@1 of generation 1");
        awaitStatus("slow", "1/1/1/1@1 of generation 1");
    }

    @Test
    void replicaFailureWhileCreatesAreRefused() {
        f.podLimit.set(2);
        replicaSet("web", 3, 0);
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            ReplicaSet rs = f.replicaSets.get(NS, "web");
            assertThat(rs.getStatus().getConditions()).singleElement().satisfies(c -> {
                assertThat(c.getType()).isEqualTo("ReplicaFailure");
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getReason()).isEqualTo("FailedCreate");
                assertThat(c.getMessage()).contains("exceeded quota");
            });
        });
        assertThat(f.pods(NS)).hasSize(2);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(f.events(NS)).anySatisfy(e ->
                assertThat(e).startsWith("ReplicaSet/web Warning FailedCreate: Error creating: pods ")
                        .contains("exceeded quota")));
        f.podLimit.set(-1);
        awaitPods(3);
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() ->
                assertThat(f.replicaSets.get(NS, "web").getStatus().getConditions()).isNullOrEmpty());
        awaitStatus("web", "3/3/0/0@1 of generation 1");
    }

    @Test
    void replicationControllersKeepTheirPodsToo() {
        Writes.create(f.rcs, NS, new ReplicationControllerBuilder().withNewMetadata().withName("legacy").endMetadata()
                .withNewSpec().withReplicas(2).withSelector(LABELS)
                .withTemplate(AppsFixture.template(LABELS, "nginx")).endSpec().build());
        awaitPods(2);
        assertThat(f.pods(NS)).allSatisfy(p -> assertThat(AppsFixture.ownerKind(p))
                .isEqualTo("ReplicationController/legacy controller=true block=true"));
        f.ready(NS, f.pods(NS).get(1).getMetadata().getName(), true);
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            ReplicationController rc = f.rcs.get(NS, "legacy");
            assertThat(rc.getStatus().getReplicas()).isEqualTo(2);
            assertThat(rc.getStatus().getFullyLabeledReplicas()).isEqualTo(2);
            assertThat(rc.getStatus().getReadyReplicas()).isEqualTo(1);
            assertThat(rc.getStatus().getAvailableReplicas()).isEqualTo(1);
            assertThat(rc.getStatus().getObservedGeneration()).isEqualTo(1L);
        });
        Writes.update(f.rcs, NS, "legacy", rc -> {
            rc.getSpec().setReplicas(1);
            return rc;
        });
        awaitPods(1);
        assertThat(f.pods(NS).get(0).getStatus().getConditions()).isNotEmpty(); // the Ready one was kept
    }

    private static Set<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    }
}
