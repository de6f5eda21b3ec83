package dev.kapi.apiserver.registry.informer;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompactCopiesTest {

    private static Pod pod() {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace(new String("ns-1")).withResourceVersion("7")
                .withUid("u-1").withLabels(Map.of("app", "a")).withFinalizers("f")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Update")
                        .build())
                .endMetadata()
                .withNewSpec().withNodeName("n1").addNewContainer().withName("app").withImage("img:1")
                .addNewPort().withContainerPort(8080).endPort()
                .withNewResources().addToRequests("cpu", new Quantity("250m")).endResources()
                .withNewReadinessProbe().withNewHttpGet().withPort(new IntOrString("http")).endHttpGet()
                .endReadinessProbe().endContainer().endSpec()
                .withNewStatus().withPhase("Running").endStatus().build();
    }

    @Test
    void aDeepCopyEqualToTheObjectWithoutItsManagedFields() {
        Pod shared = pod();
        Pod copy = CompactCopies.copy(shared);

        assertThat(copy.getMetadata().getManagedFields()).isNull();
        assertThat(shared.getMetadata().getManagedFields()).hasSize(1);
        Pod expected = pod();
        expected.getMetadata().setManagedFields(null);
        assertThat(copy).isEqualTo(expected);
        assertThat(copy.getSpec()).isNotSameAs(shared.getSpec());
        assertThat(copy.getSpec().getContainers().get(0)).isNotSameAs(shared.getSpec().getContainers().get(0));
        assertThat(copy.getSpec().getContainers().get(0).getResources().getRequests().get("cpu"))
                .isEqualTo(new Quantity("250m"));
        assertThat(copy.getSpec().getContainers().get(0).getReadinessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("http");
    }

    @Test
    void emptyCollectionsAreSharedAndImmutableAndShortStringsInterned() {
        Pod copy = CompactCopies.copy(pod());

        assertThat(copy.getMetadata().getAnnotations()).isSameAs(Map.of());
        assertThat(copy.getSpec().getContainers().get(0).getArgs()).isSameAs(List.of());
        assertThat(copy.getMetadata().getAdditionalProperties()).isSameAs(Map.of());
        assertThatThrownBy(() -> copy.getMetadata().getAnnotations().put("a", "b"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(copy.getMetadata().getNamespace()).isSameAs("ns-1");
        // non-empty collections stay mutable, as a decoded object's
        copy.getMetadata().getLabels().put("tier", "web");
        assertThat(copy.getMetadata().getLabels()).containsEntry("tier", "web");
    }

    @Test
    void informersGivenTheSameVersionOfAnObjectShareOneCopy() {
        var shared = CompactCopies.<Pod>sharedTransform();
        Pod first = shared.apply(pod());
        Pod again = shared.apply(pod()); // decoded once more, as a second informer's list or watch gives it

        assertThat(again).isSameAs(first);
        assertThat(first.getMetadata().getManagedFields()).isNull();
        Pod newer = pod();
        newer.getMetadata().setResourceVersion("8");
        assertThat(shared.apply(newer)).isNotSameAs(first).isEqualTo(CompactCopies.copy(newer));
        Pod other = pod();
        other.getMetadata().setUid("u-2");
        assertThat(shared.apply(other)).isNotSameAs(first);
        Pod noUid = pod();
        noUid.getMetadata().setUid(null);
        assertThat(shared.apply(noUid)).isNotSameAs(shared.apply(noUid));
    }

    @Test
    void longStringsAreKeptAndTheGivenObjectIsLeftAlone() {
        String document = "x".repeat(CompactCopies.INTERNED_LENGTH + 1);
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata()
                .withData(Map.of("doc", document)).build();
        ConfigMap copy = CompactCopies.copy(cm);

        assertThat(copy.getData().get("doc")).isSameAs(document);
        assertThat(cm.getBinaryData()).isInstanceOf(java.util.LinkedHashMap.class);
        cm.getBinaryData().put("still", "mutable");
        assertThat(copy.getBinaryData()).isEmpty();
    }

    @Test
    void customResourcesAreCopiedThroughTheirMaps() {
        GenericKubernetesResource cr = new GenericKubernetesResource();
        cr.setApiVersion("example.com/v1");
        cr.setKind("Widget");
        cr.setMetadata(pod().getMetadata());
        cr.setAdditionalProperty("spec", new java.util.LinkedHashMap<>(Map.of("size", 3,
                "parts", new ArrayList<>(List.of("a", Map.of())))));
        GenericKubernetesResource copy = CompactCopies.copy(cr);

        assertThat(copy.getAdditionalProperties()).isEqualTo(cr.getAdditionalProperties());
        assertThat(copy.getAdditionalProperties().get("spec")).isNotSameAs(cr.getAdditionalProperties().get("spec"));
        assertThat(copy.getMetadata().getManagedFields()).isNull();
        assertThat(copy.getKind()).isEqualTo("Widget");
    }
}
