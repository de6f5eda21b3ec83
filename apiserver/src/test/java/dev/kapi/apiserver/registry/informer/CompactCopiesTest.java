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
        // non-empty lists stay mutable, as a decoded object's
        copy.getMetadata().getFinalizers().add("g");
        assertThat(copy.getMetadata().getFinalizers()).containsExactly("f", "g");
    }

    @Test
    void smallMapsOfStringsOrQuantitiesAreSharedUnmodifiableAndKeptApartByTheirText() {
        Pod one = CompactCopies.copy(pod());
        Pod other = CompactCopies.copy(new PodBuilder(pod()).editMetadata().withName("q").withUid("u-2").endMetadata()
                .build());
        Pod millis = CompactCopies.copy(new PodBuilder(pod()).editSpec().editFirstContainer().editResources()
                .addToRequests("cpu", new Quantity("0.25")).endResources().endContainer().endSpec().build());
        String long1 = "x".repeat(CompactCopies.INTERNED_LENGTH + 1);
        Pod annotated = CompactCopies.copy(new PodBuilder(pod()).editMetadata().addToAnnotations("doc", long1)
                .endMetadata().build());

        assertThat(other.getMetadata().getLabels()).isSameAs(one.getMetadata().getLabels())
                .isEqualTo(Map.of("app", "a"));
        Map<String, Quantity> requests = one.getSpec().getContainers().get(0).getResources().getRequests();
        assertThat(other.getSpec().getContainers().get(0).getResources().getRequests()).isSameAs(requests);
        // the same amount written otherwise is kept as written: not shared with "250m"
        assertThat(millis.getSpec().getContainers().get(0).getResources().getRequests()).isNotSameAs(requests)
                .containsEntry("cpu", new Quantity("0.25"));
        assertThat(millis.getSpec().getContainers().get(0).getResources().getRequests().get("cpu").getAmount())
                .isEqualTo("0.25");
        assertThatThrownBy(() -> one.getMetadata().getLabels().put("tier", "web"))
                .isInstanceOf(UnsupportedOperationException.class);
        // a map holding a long string is copied, not shared
        assertThat(annotated.getMetadata().getAnnotations()).containsEntry("doc", long1);
        annotated.getMetadata().getAnnotations().put("more", "b");
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

    @Test
    @SuppressWarnings("StringOperationCanBeSimplified")
    void internAnswersTheJvmsCanonicalStringAlsoWhenTwoShareASlot() {
        assertThat(CompactCopies.intern(new String("kapi-ns-1"))).isSameAs("kapi-ns-1");
        assertThat(CompactCopies.intern(new String("kapi-ns-1"))).isSameAs("kapi-ns-1"); // from its slot
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        assertThat(CompactCopies.intern(new String("Aa"))).isSameAs("Aa");
        assertThat(CompactCopies.intern(new String("BB"))).isSameAs("BB");
        assertThat(CompactCopies.intern(new String("Aa"))).isSameAs("Aa");
        String unique = new String("made-at-run-time-" + System.nanoTime());
        assertThat(CompactCopies.intern(unique)).isSameAs(unique.intern());
    }
}
