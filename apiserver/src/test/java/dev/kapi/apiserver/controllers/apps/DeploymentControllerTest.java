package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.core.Pods;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Deployment controller with the ReplicaSet controller on real etcd, pods made Ready by the test as a
 * kubelet would: the first rollout (names, hash label, revision and replica annotations, conditions), a
 * rolling update step by step within maxSurge/maxUnavailable, an undo that brings an old ReplicaSet back
 * with a new revision, Recreate, revision history cleanup, pause, and the progress deadline.
 */
@ExtendWith(EtcdExtension.class)
class DeploymentControllerTest {

    private static final String NS = "deploy";
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

    private void deployment(int replicas, Consumer<DeploymentBuilder> more) {
        DeploymentBuilder b = new DeploymentBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec()
                .withReplicas(replicas).withNewSelector().withMatchLabels(LABELS).endSelector()
                .withTemplate(AppsFixture.template(LABELS, "nginx:1")).endSpec();
        more.accept(b);
        Writes.create(f.deployments, NS, b.build());
    }

    private void update(Consumer<Deployment> change) {
        Writes.update(f.deployments, NS, "web", d -> {
            change.accept(d);
            return d;
        });
    }

    private void image(String image) {
        update(d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image));
    }

    private List<ReplicaSet> replicaSets() {
        return f.replicaSets.list(NS, ListParams.all()).items().stream()
                .sorted(Comparator.comparing((ReplicaSet rs) -> rs.getMetadata().getCreationTimestamp())
                        .thenComparing(rs -> rs.getMetadata().getName())).toList();
    }

    /** Each ReplicaSet as image=spec.replicas@revision, by image (the tests' images come in creation order). */
    private String sets() {
        return replicaSets().stream().sorted(Comparator.comparing((ReplicaSet rs) ->
                rs.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())).map(rs -> rs.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()
                + "=" + rs.getSpec().getReplicas() + "@" + Deployments.annotations(rs).get(Deployments.REVISION))
                .collect(Collectors.joining(" "));
    }

    /** replicas/updated/ready/available/unavailable@observedGeneration. */
    private String status() {
        Deployment d = f.deployments.get(NS, "web");
        DeploymentStatus s = d.getStatus();
        return n(s.getReplicas()) + "/" + n(s.getUpdatedReplicas()) + "/" + n(s.getReadyReplicas()) + "/"
                + n(s.getAvailableReplicas()) + "/" + n(s.getUnavailableReplicas()) + "@" + s.getObservedGeneration()
                + " gen " + d.getMetadata().getGeneration();
    }

    /** type=status:reason of each condition, sorted. */
    private String conditions() {
        Map<String, String> m = new TreeMap<>();
        List<DeploymentCondition> cs = f.deployments.get(NS, "web").getStatus().getConditions();
        if (cs != null) {
            cs.forEach(c -> m.put(c.getType(), c.getStatus() + ":" + c.getReason()));
        }
        return m.toString();
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }

    private void readyAll() {
        for (Pod p : f.pods(NS)) {
            if (!Pods.ready(p) && p.getMetadata().getDeletionTimestamp() == null) {
                try {
                    f.ready(NS, p.getMetadata().getName(), true);
                } catch (RuntimeException gone) {
                    // deleted meanwhile
                }
            }
        }
    }

    private void awaitSets(String expected) {
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(sets()).isEqualTo(expected));
    }

    private void awaitStatus(String expected, String conditions) {
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            assertThat(status()).isEqualTo(expected);
            assertThat(conditions()).isEqualTo(conditions);
        });
    }

    @Test
    void firstRolloutNamesTheReplicaSetByHashAndCompletes() {
        deployment(3, b -> { });
        awaitSets("nginx:1=3@1");
        ReplicaSet rs = replicaSets().get(0);
        String hash = rs.getMetadata().getLabels().get(TemplateHash.LABEL);
        assertThat(hash).matches("[bcdfghjklmnpqrstvwxz2456789]+");
        assertThat(rs.getMetadata().getName()).isEqualTo("web-" + hash);
        assertThat(rs.getSpec().getSelector().getMatchLabels()).containsEntry(TemplateHash.LABEL, hash);
        assertThat(rs.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(TemplateHash.LABEL, hash);
        assertThat(rs.getMetadata().getAnnotations()).containsEntry(Deployments.DESIRED_REPLICAS, "3")
                .containsEntry(Deployments.MAX_REPLICAS, "4");
        assertThat(AppsFixture.ownerKind(rs)).isEqualTo("Deployment/web controller=true block=true");
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(f.pods(NS)).hasSize(3));
        assertThat(f.pods(NS)).allSatisfy(p -> assertThat(p.getMetadata().getName()).startsWith("web-" + hash + "-"));
        awaitStatus("3/3/0/0/3@1 gen 1", "{Available=False:MinimumReplicasUnavailable, Progressing=True:ReplicaSetUpdated}");
        assertThat(Deployments.annotations(f.deployments.get(NS, "web"))).containsEntry(Deployments.REVISION, "1");

        readyAll();
        awaitStatus("3/3/3/3/0@1 gen 1", "{Available=True:MinimumReplicasAvailable, Progressing=True:NewReplicaSetAvailable}");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(f.events(NS))
                .contains("Deployment/web Normal ScalingReplicaSet: Scaled up replica set web-" + hash + " from 0 to 3"));
    }

    @Test
    void rollingUpdateStaysWithinSurgeAndUnavailabilityThenUndoReusesTheOldReplicaSet() {
        deployment(3, b -> b.editSpec().withStrategy(new DeploymentStrategyBuilder().withType("RollingUpdate")
                .withNewRollingUpdate().withMaxSurge(new IntOrString(1)).withMaxUnavailable(new IntOrString(0))
                .endRollingUpdate().build()).endSpec());
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(f.pods(NS)).hasSize(3));
        readyAll();
        awaitStatus("3/3/3/3/0@1 gen 1", "{Available=True:MinimumReplicasAvailable, Progressing=True:NewReplicaSetAvailable}");

        image("nginx:2");
        // one surge pod; no old pod goes before a new one is available
        awaitSets("nginx:1=3@1 nginx:2=1@2");
        assertThat(Deployments.annotations(f.deployments.get(NS, "web"))).containsEntry(Deployments.REVISION, "2");
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(f.pods(NS)).hasSize(4));
        awaitStatus("4/1/3/3/1@2 gen 2", "{Available=True:MinimumReplicasAvailable, Progressing=True:ReplicaSetUpdated}");
        readyAll();
        awaitSets("nginx:1=2@1 nginx:2=2@2");
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(f.pods(NS)).hasSize(4));
        readyAll();
        awaitSets("nginx:1=1@1 nginx:2=3@2");
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            readyAll();
            assertThat(sets()).isEqualTo("nginx:1=0@1 nginx:2=3@2");
        });
        awaitStatus("3/3/3/3/0@2 gen 2", "{Available=True:MinimumReplicasAvailable, Progressing=True:NewReplicaSetAvailable}");

        // kubectl rollout undo: the template of revision 1 again; its ReplicaSet comes back as revision 3
        image("nginx:1");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            readyAll();
            assertThat(sets()).isEqualTo("nginx:1=3@3 nginx:2=0@2");
        });
        ReplicaSet back = replicaSets().stream().filter(rs -> rs.getSpec().getTemplate().getSpec().getContainers()
                .get(0).getImage().equals("nginx:1")).findFirst().orElseThrow();
        assertThat(back.getMetadata().getAnnotations()).containsEntry(Deployments.REVISION_HISTORY, "1");
        awaitStatus("3/3/3/3/0@3 gen 3", "{Available=True:MinimumReplicasAvailable, Progressing=True:NewReplicaSetAvailable}");
        assertThat(Deployments.annotations(f.deployments.get(NS, "web"))).containsEntry(Deployments.REVISION, "3");
    }

    @Test
    void recreateRemovesEveryOldPodBeforeTheNewOnes() {
        deployment(2, b -> b.editSpec().withStrategy(new DeploymentStrategyBuilder().withType("Recreate").build())
                .endSpec());
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(f.pods(NS)).hasSize(2));
        readyAll();
        awaitStatus("2/2/2/2/0@1 gen 1", "{Available=True:MinimumReplicasAvailable, Progressing=True:NewReplicaSetAvailable}");
        image("nginx:2");
        awaitSets("nginx:1=0@1 nginx:2=2@2");
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            assertThat(f.pods(NS)).hasSize(2).allSatisfy(p -> assertThat(
                    p.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:2"));
        });
        readyAll();
        awaitStatus("2/2/2/2/0@2 gen 2", "{Available=True:MinimumReplicasAvailable, Progressing=True:NewReplicaSetAvailable}");
    }

    @Test
    void revisionHistoryLimitDeletesTheOldestReplicaSets() {
        deployment(0, b -> b.editSpec().withRevisionHistoryLimit(1).endSpec());
        awaitSets("nginx:1=0@1");
        image("nginx:2");
        awaitSets("nginx:1=0@1 nginx:2=0@2");
        image("nginx:3");
        awaitSets("nginx:2=0@2 nginx:3=0@3");
        image("nginx:4");
        awaitSets("nginx:3=0@3 nginx:4=0@4");
        awaitStatus("0/0/0/0/0@4 gen 4", "{Available=True:MinimumReplicasAvailable, Progressing=True:NewReplicaSetAvailable}");
    }

    @Test
    void pausedDeploymentScalesButDoesNotRollOut() {
        deployment(1, b -> { });
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(f.pods(NS)).hasSize(1));
        readyAll();
        awaitStatus("1/1/1/1/0@1 gen 1", "{Available=True:MinimumReplicasAvailable, Progressing=True:NewReplicaSetAvailable}");
        update(d -> d.getSpec().setPaused(true));
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() ->
                assertThat(conditions()).contains("Progressing=Unknown:DeploymentPaused"));
        image("nginx:2");
        update(d -> d.getSpec().setReplicas(3));
        awaitSets("nginx:1=3@1");
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(f.pods(NS)).hasSize(3));
        readyAll();
        awaitStatus("3/0/3/3/0@4 gen 4", "{Available=True:MinimumReplicasAvailable, Progressing=Unknown:DeploymentPaused}");

        update(d -> d.getSpec().setPaused(false));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            readyAll();
            assertThat(sets()).isEqualTo("nginx:1=0@1 nginx:2=3@2");
        });
        awaitStatus("3/3/3/3/0@5 gen 5", "{Available=True:MinimumReplicasAvailable, Progressing=True:NewReplicaSetAvailable}");
    }

    @Test
    void progressDeadlineExceededWhenPodsNeverBecomeReady() {
        deployment(2, b -> b.editSpec().withProgressDeadlineSeconds(1).endSpec());
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(f.pods(NS)).hasSize(2));
        awaitStatus("2/2/0/0/2@1 gen 1",
                "{Available=False:MinimumReplicasUnavailable, Progressing=False:ProgressDeadlineExceeded}");
        DeploymentCondition c = f.deployments.get(NS, "web").getStatus().getConditions().stream()
                .filter(x -> x.getType().equals("Progressing")).findFirst().orElseThrow();
        assertThat(c.getMessage()).isEqualTo("ReplicaSet \"" + replicaSets().get(0).getMetadata().getName()
                + "\" has timed out progressing.");
        readyAll();
        awaitStatus("2/2/2/2/0@1 gen 1", "{Available=True:MinimumReplicasAvailable, Progressing=True:NewReplicaSetAvailable}");
    }

    @Test
    void scalingMidRolloutIsProportional() {
        deployment(4, b -> { }); // maxSurge 25% = 1, maxUnavailable 25% = 1
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> assertThat(f.pods(NS)).hasSize(4));
        readyAll();
        awaitStatus("4/4/4/4/0@1 gen 1", "{Available=True:MinimumReplicasAvailable, Progressing=True:NewReplicaSetAvailable}");
        image("nginx:2"); // the new pods never become Ready: the rollout stops at 5 pods, 3 of them available
        awaitSets("nginx:1=3@1 nginx:2=2@2");
        update(d -> d.getSpec().setPaused(true));
        update(d -> d.getSpec().setReplicas(8)); // 10 allowed: 5 more, in proportion to 3 and 2 of 5
        awaitSets("nginx:1=6@1 nginx:2=4@2");
        assertThat(replicaSets()).allSatisfy(rs -> assertThat(rs.getMetadata().getAnnotations())
                .containsEntry(Deployments.DESIRED_REPLICAS, "8").containsEntry(Deployments.MAX_REPLICAS, "10"));
    }
}
