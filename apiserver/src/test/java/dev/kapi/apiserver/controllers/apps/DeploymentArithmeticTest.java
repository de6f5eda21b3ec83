package dev.kapi.apiserver.controllers.apps;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube's deployment arithmetic as tables: maxSurge/maxUnavailable from ints and percentages (surge rounded
 * up, unavailable down, never both 0), the new ReplicaSet's next size, and the pod-template-hash's form.
 */
class DeploymentArithmeticTest {

    private static Deployment deployment(int replicas, String surge, String unavailable) {
        return new DeploymentBuilder().withNewMetadata().withName("d").endMetadata().withNewSpec()
                .withReplicas(replicas).withStrategy(new DeploymentStrategyBuilder().withType("RollingUpdate")
                        .withNewRollingUpdate().withMaxSurge(value(surge)).withMaxUnavailable(value(unavailable))
                        .endRollingUpdate().build()).endSpec().build();
    }

    private static IntOrString value(String s) {
        return s.endsWith("%") ? new IntOrString(s) : new IntOrString(Integer.parseInt(s));
    }

    @ParameterizedTest
    @CsvSource({
            // replicas, maxSurge, maxUnavailable, surge, unavailable (kube's ResolveFenceposts and MaxUnavailable)
            "10, 25%, 25%, 3, 2",
            "3, 25%, 25%, 1, 0",
            "1, 25%, 25%, 1, 0",
            "4, 0, 0, 0, 1",
            "4, 0%, 0%, 0, 1",
            "5, 1, 10, 1, 5",
            "0, 25%, 25%, 0, 0",
            "7, 50%, 50%, 4, 3",
    })
    void fenceposts(int replicas, String surge, String unavailable, int wantSurge, int wantUnavailable) {
        Deployment d = deployment(replicas, surge, unavailable);
        assertThat(Deployments.maxSurge(d)).isEqualTo(wantSurge);
        assertThat(Deployments.maxUnavailable(d)).isEqualTo(wantUnavailable);
    }

    private static ReplicaSet rs(String name, int replicas) {
        return new ReplicaSetBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withReplicas(replicas).endSpec().build();
    }

    @ParameterizedTest
    @CsvSource({
            // replicas, maxSurge, old spec.replicas, new spec.replicas, next new size (kube's NewRSNewReplicas)
            "3, 1, 3, 0, 1",
            "3, 1, 3, 1, 1",
            "3, 1, 2, 1, 2",
            "10, 25%, 10, 0, 3",
            "10, 25%, 5, 5, 8",
            "10, 25%, 1, 9, 10",
    })
    void newReplicaSetSize(int replicas, String surge, int old, int current, int next) {
        Deployment d = deployment(replicas, surge, "0");
        ReplicaSet newRS = rs("new", current);
        assertThat(Deployments.newReplicaSetReplicas(d, List.of(rs("old", old), newRS), newRS)).isEqualTo(next);
    }

    @Test
    void templateHashHasKubesFormAndChangesWithTheTemplateAndCollisionCount() {
        PodTemplateSpec a = AppsFixture.template(Map.of("app", "web"), "nginx:1");
        PodTemplateSpec b = AppsFixture.template(Map.of("app", "web"), "nginx:2");
        String hash = TemplateHash.compute(a, null);
        assertThat(hash).matches("[4-9bcdf]{1,10}"); // decimal digits through SafeEncodeString
        assertThat(TemplateHash.compute(a, null)).isEqualTo(hash);
        assertThat(TemplateHash.compute(b, null)).isNotEqualTo(hash);
        assertThat(TemplateHash.compute(a, 1)).isNotEqualTo(hash);
        assertThat(TemplateHash.safeEncode("2166136261")).isEqualTo("65bb57b6b5");

        PodTemplateSpec labelled = AppsFixture.template(Map.of("app", "web", TemplateHash.LABEL, hash), "nginx:1");
        assertThat(TemplateHash.semanticallyEqual(a, labelled)).isTrue();
        assertThat(TemplateHash.semanticallyEqual(b, labelled)).isFalse();
    }
}
