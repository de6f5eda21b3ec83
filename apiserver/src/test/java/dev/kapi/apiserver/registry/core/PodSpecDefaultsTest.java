package dev.kapi.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class PodSpecDefaultsTest {

    @ParameterizedTest
    @CsvSource({
            "nginx, Always",
            "nginx:latest, Always",
            "nginx:1.27, IfNotPresent",
            "registry.local:5000/app, Always",
            "registry.local:5000/app:v2, IfNotPresent",
            "nginx@sha256:abc, IfNotPresent",
            "nginx:latest@sha256:abc, Always",
            "'', IfNotPresent"})
    void imagePullPolicyFollowsTheTag(String image, String policy) {
        assertThat(PodSpecDefaults.pullPolicy(image)).isEqualTo(policy);
    }

    @Test
    void fillsPodAndContainerDefaults() {
        PodTemplateSpec t = new PodTemplateSpecBuilder().withNewSpec()
                .addNewContainer().withName("web").withImage("nginx:1.27")
                .addNewPort().withContainerPort(80).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPort(new io.fabric8.kubernetes.api.model.IntOrString(80))
                .endHttpGet().endReadinessProbe().endContainer()
                .addNewVolume().withName("cfg").withNewConfigMap().withName("c").endConfigMap().endVolume()
                .endSpec().build();
        PodSpecDefaults.applyTemplate(t);
        var spec = t.getSpec();
        assertThat(spec.getRestartPolicy()).isEqualTo("Always");
        assertThat(spec.getDnsPolicy()).isEqualTo("ClusterFirst");
        assertThat(spec.getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(spec.getSchedulerName()).isEqualTo("default-scheduler");
        assertThat(spec.getSecurityContext()).isNotNull();
        var c = spec.getContainers().get(0);
        assertThat(c.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(c.getTerminationMessagePolicy()).isEqualTo("File");
        assertThat(c.getPorts().get(0).getProtocol()).isEqualTo("TCP");
        var probe = c.getReadinessProbe();
        assertThat(probe.getTimeoutSeconds()).isEqualTo(1);
        assertThat(probe.getPeriodSeconds()).isEqualTo(10);
        assertThat(probe.getSuccessThreshold()).isEqualTo(1);
        assertThat(probe.getFailureThreshold()).isEqualTo(3);
        assertThat(probe.getHttpGet().getPath()).isEqualTo("/");
        assertThat(probe.getHttpGet().getScheme()).isEqualTo("HTTP");
        assertThat(spec.getVolumes().get(0).getConfigMap().getDefaultMode()).isEqualTo(420);
        assertThat(t.getMetadata()).isNotNull();
        assertThat(spec.getEnableServiceLinks()).as("pods only (SetDefaults_Pod)").isNull();
    }
}
