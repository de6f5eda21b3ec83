package dev.kapi.apiserver.controlplane;

import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicas starting together race to create the kubernetes Service: each finds it made (by itself or another),
 * none fails because another allocated the cluster IP first; a deleted one is made again, a changed port fixed.
 */
@ExtendWith(EtcdExtension.class)
class KubernetesServiceTest {

    @Test
    void replicasRacingToCreateItAllSucceed() throws Exception {
        for (int round = 0; round < 5; round++) {
            String prefix = EtcdExtension.randomPrefix();
            try (Storage storage = EtcdStorage.connect(EtcdExtension.endpoints())) {
                StoreRegistry stores = TestStores.of(storage, prefix);
                Writes.create(stores.find("", "v1", "namespaces", Namespace.class).orElseThrow(), null,
                        new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build());
                int replicas = 6;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> results = new ArrayList<>();
                try (ExecutorService threads = Executors.newFixedThreadPool(replicas)) {
                    for (int i = 0; i < replicas; i++) {
                        KubernetesService service = new KubernetesService(stores, Writes.PIPELINE, "10.96.0.1", 6443);
                        results.add(threads.submit(() -> {
                            go.await();
                            service.ensure();
                            return null;
                        }));
                    }
                    go.countDown();
                    for (Future<?> f : results) {
                        f.get(); // throws when a replica's ensure failed
                    }
                }
                var services = stores.find("", "v1", "services", Service.class).orElseThrow();
                assertThat(services.list("default", ListParams.<Service>all()).items()).hasSize(1);

                KubernetesService one = new KubernetesService(stores, Writes.PIPELINE, "10.96.0.1", 6443);
                Writes.delete(services, "default", "kubernetes");
                one.ensure();
                assertThat(services.get("default", "kubernetes").getSpec().getClusterIP()).isEqualTo("10.96.0.1");
                Writes.update(services, "default", "kubernetes", s -> {
                    s.getSpec().getPorts().getFirst().setTargetPort(new IntOrString(7443));
                    return s;
                });
                one.ensure();
                assertThat(services.get("default", "kubernetes").getSpec().getPorts().getFirst().getTargetPort()
                        .getIntVal()).isEqualTo(6443);
            }
        }
    }
}
