package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service account controller alone (no namespace controller to empty a terminating namespace behind it)
 * on real etcd: every namespace gets "default", made again when deleted, not in a terminating one.
 */
@ExtendWith(EtcdExtension.class)
class ServiceAccountsControllerTest {

    @Test
    void everyLiveNamespaceHasADefaultServiceAccount() throws Exception {
        String prefix = EtcdExtension.randomPrefix();
        try (Storage storage = EtcdStorage.connect(EtcdExtension.endpoints())) {
            StoreRegistry stores = TestStores.of(storage, prefix);
            Store<Namespace> namespaces = store(stores, "namespaces");
            Store<ServiceAccount> accounts = store(stores, "serviceaccounts");
            Writes.create(namespaces, null, namespace("sa-before"));
            Informer<Namespace> namespaceInformer = new Informer<>(namespaces, "test", InformerOptions.DEFAULTS);
            Informer<ServiceAccount> accountInformer = new Informer<>(accounts, "test", InformerOptions.DEFAULTS);
            ServiceAccountsController controller = new ServiceAccountsController(namespaceInformer, accountInformer,
                    accounts, Writes.PIPELINE);
            namespaceInformer.start();
            accountInformer.start();
            controller.start();
            try {
                awaitAccount(accounts, "sa-before");
                Writes.create(namespaces, null, namespace("sa-after"));
                awaitAccount(accounts, "sa-after");

                Writes.delete(accounts, "sa-after", "default");
                awaitAccount(accounts, "sa-after");

                Writes.delete(namespaces, null, "sa-after"); // Terminating
                // the controller reads the namespace from its informer (kube's lister), a watch apart from the
                // accounts': wait until it shows Terminating, as a busy machine may deliver the account's delete first
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    Namespace ns = namespaceInformer.cache().get(null, "sa-after");
                    return ns != null && ns.getMetadata().getDeletionTimestamp() != null;
                });
                Writes.delete(accounts, "sa-after", "default");
                // a later delete on the same watch is handled after the one above
                Writes.delete(accounts, "sa-before", "default");
                awaitAccount(accounts, "sa-before");
                assertThat(exists(accounts, "sa-after")).as("not made again in a terminating namespace").isFalse();
            } finally {
                controller.stop();
                Informer.closeAll(List.of(namespaceInformer, accountInformer), Informer.STOP_WAIT);
            }
        }
    }

    private static Namespace namespace(String name) {
        return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
    }

    private static void awaitAccount(Store<ServiceAccount> accounts, String namespace) {
        await().atMost(Duration.ofSeconds(10)).until(() -> exists(accounts, namespace));
    }

    private static boolean exists(Store<ServiceAccount> accounts, String namespace) {
        try {
            accounts.get(namespace, "default");
            return true;
        } catch (StatusError e) {
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends HasMetadata> Store<T> store(StoreRegistry stores, String resource) {
        return stores.store((ResourceDefinition<T>) stores.resources().find("", "v1", resource).orElseThrow());
    }
}
