package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A namespace's deletion on real etcd, as kube-apiserver and its namespace controller do it: the delete
 * marks it Terminating, {@link NamespaceCleanup} empties it, content held by finalizers keeps it, and it goes
 * once its {@code kubernetes} spec finalizer is released through {@code finalize}.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamespaceTerminationTest {


    private Storage storage;
    private StoreRegistry stores;
    private Store<Namespace> namespaces;
    private Store<ConfigMap> configMaps;
    private Store<Secret> secrets;
    private NamespaceCleanup cleanup;

    @BeforeAll
    void connect() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        stores = TestStores.of(storage, prefix);
        namespaces = store("", "namespaces");
        configMaps = store("", "configmaps");
        secrets = store("", "secrets");
        cleanup = new NamespaceCleanup(stores, Writes.PIPELINE);
    }

    @SuppressWarnings("unchecked")
    private <T extends HasMetadata> Store<T> store(String group, String resource) {
        return stores.store((ResourceDefinition<T>) stores.resources().find(group, "v1", resource).orElseThrow());
    }

    @AfterAll
    void close() {
        storage.close();
    }

    @Test
    void deleteMarksTheNamespaceTerminatingAndASecondDeleteReturnsItUnchanged() {
        createNamespace("nt-mark");
        Store.DeleteResult<Namespace> first = Writes.delete(namespaces, null, "nt-mark");
        assertThat(first.deleted()).isFalse();
        Namespace marked = first.object();
        assertThat(marked.getMetadata().getDeletionTimestamp()).isNotBlank();
        assertThat(marked.getStatus().getPhase()).isEqualTo("Terminating");
        assertThat(marked.getSpec().getFinalizers()).containsExactly("kubernetes");
        Store.DeleteResult<Namespace> second = Writes.delete(namespaces, null, "nt-mark");
        assertThat(second.deleted()).isFalse();
        assertThat(second.object().getMetadata().getResourceVersion())
                .isEqualTo(marked.getMetadata().getResourceVersion());

        StatusError active = catchThrowableOfType(StatusError.class, () -> Writes.update(namespaces, null,
                "nt-mark", "status", ns -> {
                    ns.getStatus().setPhase("Active");
                    return ns;
                }));
        assertThat(active.code()).isEqualTo(422);
        Namespace updated = Writes.update(namespaces, null, "nt-mark", ns -> {
            ns.getSpec().setFinalizers(List.of());
            ns.getMetadata().setLabels(java.util.Map.of("team", "a"));
            return ns;
        });
        assertThat(updated.getSpec().getFinalizers()).as("only finalize changes spec.finalizers")
                .containsExactly("kubernetes");
        assertThat(updated.getStatus().getPhase()).isEqualTo("Terminating");
    }

    @Test
    void cleanupEmptiesTheNamespaceWaitsForHeldContentAndThenRemovesIt() {
        createNamespace("nt-full");
        Writes.create(configMaps, "nt-full", new ConfigMapBuilder().withNewMetadata().withName("plain").endMetadata()
                .build());
        Writes.create(configMaps, "nt-full", new ConfigMapBuilder().withNewMetadata().withName("held")
                .withFinalizers("example.com/hold").endMetadata().build());
        Writes.create(secrets, "nt-full", new SecretBuilder().withNewMetadata().withName("s").endMetadata().build());
        Writes.delete(namespaces, null, "nt-full");

        assertThat(cleanup.finish("nt-full")).as("a held ConfigMap keeps the namespace").isFalse();
        Namespace stuck = namespaces.get(null, "nt-full");
        assertThat(stuck.getStatus().getPhase()).isEqualTo("Terminating");
        assertThat(stuck.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus() + " "
                + c.getReason() + ": " + c.getMessage()).containsExactly(
                "NamespaceDeletionDiscoveryFailure=False ResourcesDiscovered: All resources successfully discovered",
                "NamespaceDeletionGroupVersionParsingFailure=False ParsedGroupVersions: All legacy kube types"
                        + " successfully parsed",
                "NamespaceDeletionContentFailure=False ContentDeleted: All content successfully deleted, may be"
                        + " waiting on finalization",
                "NamespaceContentRemaining=True SomeResourcesRemain: Some resources are remaining: configmaps. has 1"
                        + " resource instances",
                "NamespaceFinalizersRemaining=True SomeFinalizersRemain: Some content in the namespace has finalizers"
                        + " remaining: example.com/hold in 1 resource instances");
        assertThat(cleanup.finish("nt-full")).isFalse();
        assertThat(namespaces.get(null, "nt-full").getMetadata().getResourceVersion())
                .as("unchanged conditions are not written again").isEqualTo(stuck.getMetadata().getResourceVersion());
        assertThat(configMaps.list("nt-full", dev.kapi.apiserver.registry.ListParams.all()).items())
                .extracting(c -> c.getMetadata().getName()).containsExactly("held");
        assertThat(configMaps.get("nt-full", "held").getMetadata().getDeletionTimestamp()).isNotBlank();
        assertThat(secrets.list("nt-full", dev.kapi.apiserver.registry.ListParams.all()).items()).isEmpty();

        Writes.update(configMaps, "nt-full", "held", c -> {
            c.getMetadata().setFinalizers(List.of());
            return c;
        });
        assertThat(cleanup.finish("nt-full")).isTrue();
        assertGone("nt-full");
    }

    @Test
    void aNamespaceFinalizedBeforeItsDeleteIsStillMarkedFirstAndThenRemoved() {
        createNamespace("nt-bare");
        Namespace bare = Writes.update(namespaces, null, "nt-bare", "finalize", ns -> {
            ns.getSpec().setFinalizers(List.of());
            return ns;
        });
        assertThat(bare.getSpec().getFinalizers()).isEmpty();
        assertThat(bare.getMetadata().getDeletionTimestamp()).as("finalize alone deletes nothing").isNull();
        assertThat(Writes.delete(namespaces, null, "nt-bare").deleted()).isFalse();
        assertThat(cleanup.finish("nt-bare")).isTrue();
        assertGone("nt-bare");
    }

    @Test
    void aMetadataFinalizerKeepsTheReleasedNamespaceUntilItIsRemoved() {
        Writes.create(namespaces, null, new NamespaceBuilder().withNewMetadata().withName("nt-meta")
                .withFinalizers("example.com/hold").endMetadata().build());
        Writes.delete(namespaces, null, "nt-meta");
        assertThat(cleanup.finish("nt-meta")).isTrue();
        Namespace released = namespaces.get(null, "nt-meta");
        assertThat(released.getSpec().getFinalizers()).isEmpty();
        assertThat(released.getStatus().getPhase()).isEqualTo("Terminating");
        Writes.update(namespaces, null, "nt-meta", ns -> {
            ns.getMetadata().setFinalizers(List.of());
            return ns;
        });
        assertGone("nt-meta");
    }

    @Test
    void aNamespaceCreatedAgainUnderTheSameNameWhileCleanupWaitsIsLeftAlone() {
        createNamespace("nt-again");
        Writes.delete(namespaces, null, "nt-again");
        NamespaceCleanup racing = new NamespaceCleanup(stores, Writes.PIPELINE, settle -> {
            // meanwhile someone else releases the namespace, and it is created again with content
            Writes.update(namespaces, null, "nt-again", "finalize", ns -> {
                ns.getSpec().setFinalizers(List.of());
                return ns;
            });
            createNamespace("nt-again");
            Writes.create(configMaps, "nt-again", new ConfigMapBuilder().withNewMetadata().withName("new").endMetadata()
                    .build());
        });
        assertThat(racing.finish("nt-again")).isTrue();
        Namespace again = namespaces.get(null, "nt-again");
        assertThat(again.getMetadata().getDeletionTimestamp()).isNull();
        assertThat(again.getSpec().getFinalizers()).containsExactly("kubernetes");
        assertThat(configMaps.get("nt-again", "new")).isNotNull();
    }

    @Test
    void finalizeIsTheOnlyUpdateAndValidatesFinalizerNames() {
        createNamespace("nt-names");
        StatusError bad = catchThrowableOfType(StatusError.class, () -> Writes.update(namespaces, null, "nt-names",
                "finalize", ns -> {
                    ns.getSpec().setFinalizers(List.of("not a name"));
                    return ns;
                }));
        assertThat(bad.code()).isEqualTo(422);
        assertThat(catchThrowableOfType(StatusError.class,
                () -> Writes.update(namespaces, null, "nt-names", "approval", ns -> ns)).code()).isEqualTo(404);
    }

    private void createNamespace(String name) {
        Writes.create(namespaces, null, new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build());
    }

    private void assertGone(String name) {
        assertThat(catchThrowableOfType(StatusError.class, () -> namespaces.get(null, name)).code()).isEqualTo(404);
    }
}
