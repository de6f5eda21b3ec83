package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.AdmissionChain;
import dev.kapi.apiserver.admission.plugin.resourcequota.Evaluators;
import dev.kapi.apiserver.admission.plugin.resourcequota.QuotaConfiguration;
import dev.kapi.apiserver.admission.plugin.resourcequota.ResourceQuotaAdmission;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ResourceQuota plugin as the server wires it ({@link StoredQuotas}) on real etcd: two "servers" (each its
 * own storage connection, stores, informer and pipeline) on one key prefix, and concurrent creates through
 * both, admit exactly what the quota allows; a dry run is not charged.
 */
@ExtendWith(EtcdExtension.class)
class QuotaAdmissionTest {

    private static final String NS = "quota-ns";
    private final List<AutoCloseable> closing = new ArrayList<>();

    /** One server's registry, the plugin's informer and the pipeline with the plugin in its chain. */
    private record Server(Store<ResourceQuota> quotas, Store<Pod> pods, Informer<ResourceQuota> informer,
                          WritePipeline pipeline) {
    }

    @SuppressWarnings("unchecked")
    private Server server(String prefix) {
        Storage storage = EtcdStorage.connect(EtcdExtension.endpoints());
        closing.add(storage);
        StoreRegistry stores = TestStores.of(storage, prefix);
        Store<ResourceQuota> quotas = stores.find("", "v1", "resourcequotas", ResourceQuota.class).orElseThrow();
        Informer<ResourceQuota> informer = new Informer<>(quotas, "test", InformerOptions.DEFAULTS);
        closing.add(0, informer);
        AtomicReference<WritePipeline> pipeline = new AtomicReference<>();
        ResourceQuotaAdmission plugin = new ResourceQuotaAdmission(new StoredQuotas(quotas, informer, pipeline::get),
                new Evaluators(Clock.systemUTC()), QuotaConfiguration.NONE);
        pipeline.set(new WritePipeline(new AdmissionChain(List.of(), List.of(plugin))));
        informer.start();
        return new Server(quotas, stores.find("", "v1", "pods", Pod.class).orElseThrow(), informer, pipeline.get());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private static Pod pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().addNewContainer()
                .withName("app").withImage("nginx").endContainer().endSpec().build();
    }

    private static String used(Store<ResourceQuota> quotas) {
        return quotas.get(NS, "pods").getStatus().getUsed().get("pods").toString();
    }

    /** A quota of {@code pods=10} whose status the controller would have filled (used 0), seen by both informers. */
    private static void quota(Server a, Server b) {
        ResourceQuota q = new ResourceQuotaBuilder().withNewMetadata().withName("pods").endMetadata()
                .withNewSpec().withHard(Map.of("pods", new Quantity("10"))).endSpec().build();
        Writes.create(a.quotas(), NS, q);
        Writes.update(a.quotas(), NS, "pods", "status", current -> {
            current.setStatus(new ResourceQuotaStatus(Map.of("pods", new Quantity("10")),
                    Map.of("pods", new Quantity("0"))));
            return current;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> a.informer().cache().list(NS).size() == 1
                && b.informer().cache().list(NS).size() == 1);
    }

    @Test
    void fiftyConcurrentCreatesThroughTwoServersAdmitExactlyTen() throws Exception {
        String prefix = EtcdExtension.randomPrefix();
        Server a = server(prefix);
        Server b = server(prefix);
        quota(a, b);
        AtomicInteger created = new AtomicInteger();
        ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Server s = i % 2 == 0 ? a : b;
            String name = "p" + i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    s.pipeline().create(WriteScope.of(s.pods(), NS, Writes.ADMIN), pod(name),
                            OperationOptions.create());
                    created.incrementAndGet();
                } catch (StatusError e) {
                    refusals.add(e.code() + " " + e.getMessage().replaceAll("\"p\\d+\"", "\"p\""));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(30));
        }
        assertThat(created).hasValue(10);
        assertThat(refusals).hasSize(40).containsOnly("403 pods \"p\" is forbidden: exceeded quota: pods, "
                + "requested: pods=1, used: pods=10, limited: pods=10");
        assertThat(a.pods().list(NS, ListParams.all()).items()).hasSize(10);
        assertThat(used(b.quotas())).isEqualTo("10");
    }

    @Test
    void aDryRunIsCheckedButNotCharged() {
        String prefix = EtcdExtension.randomPrefix();
        Server a = server(prefix);
        quota(a, a);
        a.pipeline().create(WriteScope.of(a.pods(), NS, Writes.ADMIN), pod("dry"),
                OperationOptions.create(true, null, null));
        assertThat(used(a.quotas())).isEqualTo("0");
        a.pipeline().create(WriteScope.of(a.pods(), NS, Writes.ADMIN), pod("real"), OperationOptions.create());
        assertThat(used(a.quotas())).isEqualTo("1");
        Writes.update(a.quotas(), NS, "pods", null, current -> {
            current.getSpec().setHard(Map.of("pods", new Quantity("1")));
            return current;
        });
        Writes.update(a.quotas(), NS, "pods", "status", current -> {
            current.getStatus().setHard(Map.of("pods", new Quantity("1")));
            return current;
        });
        StatusError e = org.assertj.core.api.Assertions.catchThrowableOfType(StatusError.class, () ->
                a.pipeline().create(WriteScope.of(a.pods(), NS, Writes.ADMIN), pod("dry2"),
                        OperationOptions.create(true, null, null)));
        assertThat(e.getMessage()).as("a dry run is refused as the create would be").isEqualTo("pods \"dry2\" is "
                + "forbidden: exceeded quota: pods, requested: pods=1, used: pods=1, limited: pods=1");
    }
}
