package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.plugin.PluginFixtures;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the built-in plugins read, on real etcd: objects are found before and after the informers list them,
 * one created a moment ago is read from the store, lists follow the informers once they watch.
 */
@ExtendWith(EtcdExtension.class)
class BuiltinAdmissionReadsTest {

    @Test
    void readsFollowTheStoreBeforeAndAfterTheInformersWatch() throws Exception {
        String prefix = EtcdExtension.randomPrefix();
        try (Storage storage = EtcdStorage.connect(EtcdExtension.endpoints())) {
            StoreRegistry stores = TestStores.of(storage, prefix);
            Store<ServiceAccount> accounts = store(stores, "", "serviceaccounts", ServiceAccount.class);
            Store<LimitRange> limitRanges = store(stores, "", "limitranges", LimitRange.class);
            Store<PriorityClass> priorityClasses = store(stores, "scheduling.k8s.io", "priorityclasses",
                    PriorityClass.class);
            Store<StorageClass> storageClasses = store(stores, "storage.k8s.io", "storageclasses", StorageClass.class);
            Writes.create(accounts, "a", PluginFixtures.read(ServiceAccount.class, "{'metadata':{'name':'early'}}"));
            Writes.create(limitRanges, "a", PluginFixtures.read(LimitRange.class,
                    "{'metadata':{'name':'lr'},'spec':{'limits':[{'type':'Container','max':{'cpu':'1'}}]}}"));
            try (BuiltinAdmissionReads reads = new BuiltinAdmissionReads(stores)) {
                // not started: everything from the store
                assertThat(reads.serviceAccounts().get("a", "early")).isNotNull();
                assertThat(reads.serviceAccounts().get("a", "missing")).isNull();
                assertThat(reads.limitRanges().list("a")).extracting(lr -> lr.getMetadata().getName())
                        .containsExactly("lr");
                assertThat(reads.limitRanges().list("b")).isEmpty();

                reads.start();
                Writes.create(accounts, "a", PluginFixtures.read(ServiceAccount.class, "{'metadata':{'name':'late'}}"));
                assertThat(reads.serviceAccounts().get("a", "late")).as("read through on a cache miss").isNotNull();
                Writes.create(priorityClasses, null, PluginFixtures.read(PriorityClass.class,
                        "{'metadata':{'name':'high'},'value':10,'globalDefault':true}"));
                assertThat(reads.priorityClasses().get("high").getValue()).isEqualTo(10);
                Writes.create(storageClasses, null, PluginFixtures.read(StorageClass.class,
                        "{'metadata':{'name':'fast'},'provisioner':'x'}"));
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    assertThat(reads.priorityClasses().list()).extracting(pc -> pc.getMetadata().getName())
                            .containsExactly("high");
                    assertThat(reads.storageClasses()).extracting(sc -> sc.getMetadata().getName())
                            .containsExactly("fast");
                    assertThat(reads.limitRanges().list("a")).hasSize(1);
                });
                Writes.delete(accounts, "a", "late");
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(reads.serviceAccounts().get("a", "late")).isNull());
            }
        }
    }

    private static <T extends HasMetadata> Store<T> store(StoreRegistry stores, String group, String resource,
                                                          Class<T> type) {
        return stores.find(group, "v1", resource, type).orElseThrow();
    }
}
