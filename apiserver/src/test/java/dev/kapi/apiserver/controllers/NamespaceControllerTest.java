package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The namespace controller, run by the {@link ControllerManager} on real etcd, is woken by its informer: a
 * namespace whose delete just marked it Terminating (nobody calls the controller) is emptied and removed, and
 * so is one left Terminating before the controllers started, found in their first list; the garbage
 * collector's finalizers on its content do not keep it (the controller deletes with Background, as kube's).
 */
@ExtendWith(EtcdExtension.class)
class NamespaceControllerTest {

    private Storage storage;
    private Store<Namespace> namespaces;
    private Store<ConfigMap> configMaps;
    private ControllerManager controllers;

    @BeforeEach
    void connect() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        StoreRegistry stores = TestStores.of(storage, prefix);
        namespaces = stores.find("", "v1", "namespaces", Namespace.class).orElseThrow();
        configMaps = stores.find("", "v1", "configmaps", ConfigMap.class).orElseThrow();
        controllers = new ControllerManager(stores, Writes.PIPELINE);
    }

    @AfterEach
    void close() {
        controllers.close();
        storage.close();
    }

    @Test
    void aDeletedNamespaceIsEmptiedAndRemovedWhenItsInformerSeesTheDelete() {
        controllers.start();
        namespaceWithContent("nc-live");
        assertThat(Writes.delete(namespaces, null, "nc-live").deleted()).isFalse();
        awaitGone("nc-live");
        assertThat(configMaps.list("nc-live", dev.kapi.apiserver.registry.ListParams.all()).items()).isEmpty();
    }

    @Test
    void aNamespaceLeftTerminatingBeforeTheControllersStartIsFinishedFromTheirFirstList() {
        namespaceWithContent("nc-left");
        Writes.delete(namespaces, null, "nc-left");
        assertThat(namespaces.get(null, "nc-left").getStatus().getPhase()).isEqualTo("Terminating");
        controllers.start();
        awaitGone("nc-left");
    }

    @Test
    void theGarbageCollectorsFinalizersDoNotHoldANamespaceBeingDeleted() {
        controllers.start();
        namespaceWithContent("nc-gc");
        // an owner the GC would orphan (its finalizer set before), and one it deletes in the foreground
        Writes.create(configMaps, "nc-gc", new ConfigMapBuilder().withNewMetadata().withName("orphaning")
                .withFinalizers("orphan").endMetadata().build());
        ConfigMap owner = Writes.create(configMaps, "nc-gc", new ConfigMapBuilder().withNewMetadata()
                .withName("owner").endMetadata().build());
        Writes.create(configMaps, "nc-gc", new ConfigMapBuilder().withNewMetadata().withName("dependent")
                .addNewOwnerReference().withApiVersion("v1").withKind("ConfigMap").withName("owner")
                .withUid(owner.getMetadata().getUid()).withBlockOwnerDeletion(true).endOwnerReference()
                .endMetadata().build());
        Writes.PIPELINE.delete(dev.kapi.apiserver.registry.rest.WriteScope.of(configMaps, "nc-gc", Writes.ADMIN),
                "owner", dev.kapi.apiserver.registry.rest.OperationOptions.delete("Foreground"));
        assertThat(Writes.delete(namespaces, null, "nc-gc").deleted()).isFalse();
        awaitGone("nc-gc");
        assertThat(configMaps.list("nc-gc", dev.kapi.apiserver.registry.ListParams.all()).items()).isEmpty();
    }

    private void namespaceWithContent(String name) {
        Writes.create(namespaces, null, new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build());
        Writes.create(configMaps, name, new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build());
    }

    private void awaitGone(String name) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                namespaces.get(null, name);
                return false;
            } catch (StatusError e) {
                return e.code() == 404;
            }
        });
    }
}
