package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.admission.plugin.resourcequota.Evaluators;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The resourcequota controller on real etcd: status.hard follows spec.hard, status.used is the namespace's
 * usage, computed again when the quota changes, when counted objects are deleted or finish, and at each resync
 * (which corrects a charge whose object was never stored).
 */
@ExtendWith(EtcdExtension.class)
class ResourceQuotaControllerTest {

    private static final String NS = "rq";
    private final List<Runnable> stops = new ArrayList<>();
    private Store<ResourceQuota> quotas;
    private Store<Pod> pods;
    private Store<ConfigMap> configMaps;

    private void start(Duration resync) {
        String prefix = EtcdExtension.randomPrefix();
        Storage storage = EtcdStorage.connect(EtcdExtension.endpoints());
        StoreRegistry stores = TestStores.of(storage, prefix);
        quotas = stores.find("", "v1", "resourcequotas", ResourceQuota.class).orElseThrow();
        pods = stores.find("", "v1", "pods", Pod.class).orElseThrow();
        configMaps = stores.find("", "v1", "configmaps", ConfigMap.class).orElseThrow();
        Evaluators evaluators = new Evaluators(Clock.systemUTC());
        Informer<ResourceQuota> informer = new Informer<>(quotas, "test", InformerOptions.DEFAULTS.withResync(resync));
        ResourceQuotaController controller = new ResourceQuotaController(informer, new QuotaMonitors(stores, evaluators),
                quotas, stores, Writes.PIPELINE, evaluators);
        controller.informers().forEach(Informer::start);
        controller.start();
        stops.add(() -> {
            controller.stop();
            Informer.closeAll(controller.informers(), Informer.STOP_WAIT);
            storage.close();
        });
    }

    @AfterEach
    void stop() {
        stops.forEach(Runnable::run);
    }

    private void pod(String name, String cpu) {
        Writes.create(pods, NS, new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .addNewContainer().withName("app").withImage("nginx").withNewResources()
                .addToRequests("cpu", new Quantity(cpu)).endResources().endContainer().endSpec().build());
    }

    private void quota(Map<String, String> hard) {
        Map<String, Quantity> q = new TreeMap<>();
        hard.forEach((k, v) -> q.put(k, new Quantity(v)));
        Writes.create(quotas, NS, new ResourceQuotaBuilder().withNewMetadata().withName("q").endMetadata()
                .withNewSpec().withHard(q).endSpec().build());
    }

    /** status.hard and status.used as {@code name=value} texts, sorted. */
    private String status() {
        ResourceQuotaStatus s = quotas.get(NS, "q").getStatus();
        return s == null ? "none" : "hard " + new TreeMap<>(s.getHard()) + " used " + new TreeMap<>(s.getUsed());
    }

    private void awaitStatus(String expected) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status()).isEqualTo(expected));
    }

    @Test
    void usageFollowsTheNamespaceAndDropsAfterDeletes() {
        start(ResourceQuotaController.RESYNC);
        pod("a", "250m");
        pod("b", "1");
        Writes.create(configMaps, NS, new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build());
        quota(Map.of("pods", "5", "requests.cpu", "2", "count/configmaps", "3", "services", "1"));
        awaitStatus("hard {count/configmaps=3, pods=5, requests.cpu=2, services=1} "
                + "used {count/configmaps=1, pods=2, requests.cpu=1250m, services=0}");

        Writes.delete(pods, NS, "b");
        awaitStatus("hard {count/configmaps=3, pods=5, requests.cpu=2, services=1} "
                + "used {count/configmaps=1, pods=1, requests.cpu=250m, services=0}");
        Writes.delete(configMaps, NS, "c");
        awaitStatus("hard {count/configmaps=3, pods=5, requests.cpu=2, services=1} "
                + "used {count/configmaps=0, pods=1, requests.cpu=250m, services=0}");

        Writes.update(pods, NS, "a", "status", p -> {
            p.setStatus(new PodStatus());
            p.getStatus().setPhase("Succeeded");
            return p;
        });
        awaitStatus("hard {count/configmaps=3, pods=5, requests.cpu=2, services=1} "
                + "used {count/configmaps=0, pods=0, requests.cpu=0, services=0}");

        Writes.update(quotas, NS, "q", q -> {
            q.getSpec().setHard(Map.of("pods", new Quantity("1"), "count/pods", new Quantity("4")));
            return q;
        });
        awaitStatus("hard {count/pods=4, pods=1} used {count/pods=1, pods=0}");
    }

    @Test
    void aComputationWhileAChargedCreateIsInFlightDoesNotUncountIt() throws Exception {
        start(ResourceQuotaController.RESYNC);
        pod("a", "100m");
        quota(Map.of("pods", "5"));
        awaitStatus("hard {pods=5} used {pods=1}");
        // admission charges the quota for pod b, and the create is on its way to storage
        Writes.update(quotas, NS, "q", "status", q -> {
            q.getStatus().setUsed(Map.of("pods", new Quantity("2")));
            return q;
        });
        // meanwhile a spec change makes the controller compute the usage: it lists one pod
        Writes.update(quotas, NS, "q", q -> {
            q.getSpec().setHard(Map.of("pods", new Quantity("6")));
            return q;
        });
        List<String> seen = new ArrayList<>();
        long storeAt = System.nanoTime() + Duration.ofMillis(300).toNanos();
        boolean stored = false;
        for (long end = System.nanoTime() + Duration.ofMillis(2500).toNanos(); System.nanoTime() < end; ) {
            if (!stored && System.nanoTime() > storeAt) {
                pod("b", "100m");
                stored = true;
            }
            seen.add(status());
            Thread.sleep(20);
        }
        assertThat(seen).noneMatch(s -> s.contains("used {pods=1}"));
        awaitStatus("hard {pods=6} used {pods=2}");
    }

    @Test
    void aResyncCorrectsAChargeWhoseObjectWasNeverStored() {
        start(Duration.ofSeconds(1));
        pod("a", "100m");
        quota(Map.of("pods", "5"));
        awaitStatus("hard {pods=5} used {pods=1}");
        // what admission leaves when the create it charged then fails (its name was taken)
        Writes.update(quotas, NS, "q", "status", q -> {
            q.getStatus().setUsed(Map.of("pods", new Quantity("2")));
            return q;
        });
        assertThat(status()).isEqualTo("hard {pods=5} used {pods=2}");
        awaitStatus("hard {pods=5} used {pods=1}");
    }
}
