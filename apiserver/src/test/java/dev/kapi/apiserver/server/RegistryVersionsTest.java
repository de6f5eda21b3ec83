package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.apiextensions.CrdConditions;
import dev.kapi.apiserver.registry.apiextensions.CrdStrategy;
import dev.kapi.apiserver.registry.apiextensions.CustomResources;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Equivalent versions and conversion between them, from a registry serving a CRD in two versions. */
class RegistryVersionsTest {

    private static final GroupVersionResource V1 = new GroupVersionResource("versions.kapi.dev", "v1", "gadgets");
    private static final GroupVersionResource V2 = new GroupVersionResource("versions.kapi.dev", "v2", "gadgets");

    private static RegistryVersions versions() {
        CustomResourceDefinition crd = Json.read("""
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"gadgets.versions.kapi.dev"},
                 "spec":{"group":"versions.kapi.dev","scope":"Namespaced",
                   "names":{"plural":"gadgets","singular":"gadget","kind":"Gadget","listKind":"GadgetList"},
                   "versions":[
                     {"name":"v1","served":true,"storage":true,"subresources":{"scale":{
                        "specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas"}},
                      "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}},
                     {"name":"v2","served":true,"storage":false,
                      "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
                """.getBytes(StandardCharsets.UTF_8), CustomResourceDefinition.class);
        new CrdStrategy().prepareForCreate(crd);
        crd.getStatus().setAcceptedNames(crd.getSpec().getNames());
        CrdConditions.set(crd, CrdConditions.of(CrdConditions.ESTABLISHED, "True", "InitialNamesAccepted", ""));
        List<ResourceDefinition<?>> all = new ArrayList<>(CustomResources.definitionsOf(crd));
        return new RegistryVersions(new ResourceRegistry(all));
    }

    /** A webhook for autoscaling/v1 sees a v2 write as v1 and the other way round (matchPolicy Equivalent). */
    @Test
    void aBuiltInVersionServedOverAnotherStorageIsConvertedBothWays() {
        RegistryVersions versions = new RegistryVersions(new ResourceRegistry(
                dev.kapi.apiserver.registry.groups.autoscaling.AutoscalingResources.all()));
        GroupVersionResource hpaV1 = new GroupVersionResource("autoscaling", "v1", "horizontalpodautoscalers");
        GroupVersionResource hpaV2 = new GroupVersionResource("autoscaling", "v2", "horizontalpodautoscalers");
        assertThat(versions.equivalents(hpaV2, "status")).containsExactlyInAnyOrder(hpaV1, hpaV2);
        HasMetadata v2 = Json.read("""
                {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"a","namespace":"n"},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":3,
                  "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":65}}}]}}
                """.getBytes(StandardCharsets.UTF_8), io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class);
        var v1 = (io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler) versions.convert(v2, hpaV1);
        assertThat(v1.getApiVersion()).isEqualTo("autoscaling/v1");
        assertThat(v1.getSpec().getTargetCPUUtilizationPercentage()).isEqualTo(65);
        var back = (io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler) versions.convert(v1, hpaV2);
        assertThat(Json.tree(back.getSpec())).isEqualTo(Json.tree(v2).get("spec"));
    }

    @Test
    void theServedVersionsOfAResourceAreEquivalent() {
        RegistryVersions versions = versions();
        assertThat(versions.equivalents(V1, "")).containsExactlyInAnyOrder(V1, V2);
        assertThat(versions.equivalents(V1, "scale")).containsExactly(V1);
        assertThat(versions.kindFor(V2, "")).isEqualTo(new GroupVersionKind("versions.kapi.dev", "v2", "Gadget"));
        assertThat(versions.kindFor(V1, "scale")).isEqualTo(new GroupVersionKind("autoscaling", "v1", "Scale"));
        assertThat(versions.kindFor(new GroupVersionResource("versions.kapi.dev", "v3", "gadgets"), "")).isNull();
    }

    @Test
    void anObjectIsConvertedByTheCrdsConversionAndLeftAlone() {
        GenericKubernetesResource v1 = Json.read("""
                {"apiVersion":"versions.kapi.dev/v1","kind":"Gadget","metadata":{"name":"g","namespace":"ns",
                 "labels":{"a":"1"}},"spec":{"replicas":2}}""".getBytes(StandardCharsets.UTF_8),
                GenericKubernetesResource.class);
        HasMetadata v2 = versions().convert(v1, V2);
        assertThat(v2.getApiVersion()).isEqualTo("versions.kapi.dev/v2");
        assertThat(v2.getMetadata().getLabels()).containsEntry("a", "1");
        assertThat((Object) ((GenericKubernetesResource) v2).get("spec", "replicas")).isEqualTo(2);
        assertThat(v1.getApiVersion()).isEqualTo("versions.kapi.dev/v1");
        assertThat(versions().convert(v2, V1).getApiVersion()).isEqualTo("versions.kapi.dev/v1");
        assertThatThrownBy(() -> versions().convert(v1, new GroupVersionResource("versions.kapi.dev", "v3", "gadgets")))
                .hasMessage("Internal error occurred: unable to convert to versions.kapi.dev/v3, Resource=gadgets: "
                        + "unknown kind");
    }
}
