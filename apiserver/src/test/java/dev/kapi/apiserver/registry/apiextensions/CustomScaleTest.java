package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A custom resource's Scale, as Go's JSON writes kube's: omitempty fields left out when empty. */
class CustomScaleTest {

    private static GenericKubernetesResource resource(String json) {
        return Json.convert(Json.MAPPER.readTree(json), GenericKubernetesResource.class);
    }

    @Test
    void noSelectorPathAndNoReplicasLeaveOutWhatKubeLeavesOut() {
        CustomScale scale = new CustomScale(".spec.replicas", ".status.replicas", null);
        String json = Json.MAPPER.writeValueAsString(scale.toScale(resource("""
                {"apiVersion":"example.com/v1","kind":"Web","metadata":{"name":"w","namespace":"ns"}}""")));
        assertThat(Json.MAPPER.readTree(json).get("spec").toString()).isEqualTo("{}");
        assertThat(Json.MAPPER.readTree(json).get("status").toString()).isEqualTo("{\"replicas\":0}");
    }

    @Test
    void replicasAndSelectorAreWrittenWhenSet() {
        CustomScale scale = new CustomScale(".spec.replicas", ".status.replicas", ".status.selector");
        String json = Json.MAPPER.writeValueAsString(scale.toScale(resource("""
                {"apiVersion":"example.com/v1","kind":"Web","metadata":{"name":"w","namespace":"ns"},
                 "spec":{"replicas":3},"status":{"replicas":2,"selector":"app=w"}}""")));
        assertThat(Json.MAPPER.readTree(json).get("spec").toString()).isEqualTo("{\"replicas\":3}");
        assertThat(Json.MAPPER.readTree(json).get("status").toString())
                .isEqualTo("{\"replicas\":2,\"selector\":\"app=w\"}");
    }
}
