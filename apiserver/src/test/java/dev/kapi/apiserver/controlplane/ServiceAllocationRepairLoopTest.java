package dev.kapi.apiserver.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.kapi.apiserver.controllers.EventRecorder;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.core.ServiceAllocationRepair;
import dev.kapi.apiserver.registry.core.ServiceAllocations;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The repair loop on etcd with the registry's Services: a cluster IP and node port a server allocated but never
 * stored a Service for (it stopped in between) are freed on the third pass, while those of stored Services stay.
 */
@ExtendWith(EtcdExtension.class)
class ServiceAllocationRepairLoopTest {

    @Test
    void freesWhatAStoppedServerAllocatedAndKeepsWhatServicesHold() {
        String prefix = EtcdExtension.randomPrefix();
        try (Storage storage = EtcdStorage.connect(EtcdExtension.endpoints())) {
            StoreRegistry stores = withDefaultNamespace(storage, prefix);
            Store<Service> services = stores.find("", "v1", "services", Service.class).orElseThrow();
            Service stored = Writes.create(services, "default", service("web", null, null));
            ServiceAllocations allocations = new ServiceAllocations(storage, prefix, "10.96.0.0/12", "30000-32767");
            allocations.allocate(service("lost", "10.96.0.99", 30099), false); // never stored

            try (ServiceAllocationRepairLoop loop = new ServiceAllocationRepairLoop(allocations, stores,
                    Duration.ofMinutes(3), e -> { })) {
                assertThat(loop.runOnce().leaking()).containsExactlyInAnyOrder("cluster IP 10.96.0.99",
                        "node port 30099");
                assertThat(loop.runOnce().freed()).isEmpty();
                ServiceAllocationRepair.Result third = loop.runOnce();
                assertThat(third.freed()).containsExactlyInAnyOrder("cluster IP 10.96.0.99", "node port 30099");
                assertThat(third.repaired()).isEmpty();
            }
            // the freed values can be had again; the stored Service's cannot
            Writes.create(services, "default", service("again", "10.96.0.99", 30099));
            String webIp = stored.getSpec().getClusterIP();
            assertThat(webIp).isNotBlank();
            assertThatThrownBy(() ->
                    Writes.create(services, "default", service("clash", webIp, null)))
                    .hasMessageContaining("already allocated");
        }
    }

    /** The Events reach storage as kube's repair controller writes them, for kubectl describe to list. */
    @Test
    void aServiceWhoseAllocationWasLostGetsKubesEvent() {
        String prefix = EtcdExtension.randomPrefix();
        try (Storage storage = EtcdStorage.connect(EtcdExtension.endpoints())) {
            StoreRegistry stores = withDefaultNamespace(storage, prefix);
            Store<Service> services = stores.find("", "v1", "services", Service.class).orElseThrow();
            Service web = Writes.create(services, "default", service("web", "10.96.0.77", null));
            ServiceAllocations allocations = new ServiceAllocations(storage, prefix, "10.96.0.0/12", "30000-32767");
            allocations.releaseAll(web); // the allocation lost it (restored from an older backup)
            Store<Event> events = stores.find("", "v1", "events", Event.class).orElseThrow();
            EventRecorder recorder = EventRecorder.builder(Writes.PIPELINE, events, SystemUsers.API_SERVER,
                    ServiceAllocationRepair.IP_CONTROLLER).about("v1", "Service").build();
            try (ServiceAllocationRepairLoop loop = new ServiceAllocationRepairLoop(allocations, stores,
                    Duration.ofMinutes(3), e -> recorder.record(e.service(), "Warning", e.reason(), e.action(),
                    e.message()))) {
                assertThat(loop.runOnce().repaired()).containsExactly("cluster IP 10.96.0.77");
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<Event> written = events.list("default", ListParams.all()).items();
                assertThat(written).hasSize(1);
                Event e = written.getFirst();
                assertThat(e.getInvolvedObject().getKind()).isEqualTo("Service");
                assertThat(e.getInvolvedObject().getName()).isEqualTo("web");
                assertThat(e.getInvolvedObject().getUid()).isEqualTo(web.getMetadata().getUid());
                assertThat(List.of(e.getType(), e.getReason(), e.getAction(), e.getMessage(), e.getReportingComponent()))
                        .containsExactly("Warning", "ClusterIPNotAllocated", "ClusterIPAllocation",
                                "Cluster IP [IPv4]:10.96.0.77 is not allocated; repairing",
                                "ipallocator-repair-controller");
            });
        }
    }

    /**
     * A pass that fails while the server runs is logged as a warning; one cut short because the server is
     * stopping (its storage read interrupted, the storage closed) logs nothing above debug: every stop of a test
     * server printed a stack trace.
     */
    @Test
    void aPassEndedByTheStopIsNotLoggedAsAFailure() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(ServiceAllocationRepairLoop.class);
        log.start();
        logger.addAppender(log);
        try {
            String prefix = EtcdExtension.randomPrefix();
            Storage storage = EtcdStorage.connect(EtcdExtension.endpoints());
            StoreRegistry stores = withDefaultNamespace(storage, prefix);
            ServiceAllocations allocations = new ServiceAllocations(storage, prefix, "10.96.0.0/12", "30000-32767");
            ServiceAllocationRepairLoop loop = new ServiceAllocationRepairLoop(allocations, stores,
                    Duration.ofMinutes(3), e -> { });
            storage.close(); // every read fails from now on
            assertThat(loop.runOnce()).isNull();
            assertThat(log.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN);
            loop.close();
            assertThat(loop.runOnce()).isNull();
            assertThat(log.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN);
        } finally {
            logger.detachAppender(log);
        }
    }

    private static StoreRegistry withDefaultNamespace(Storage storage, String prefix) {
        StoreRegistry stores = TestStores.of(storage, prefix);
        Writes.create(stores.find("", "v1", "namespaces", Namespace.class).orElseThrow(), null,
                new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build());
        return stores;
    }

    private static Service service(String name, String clusterIp, Integer nodePort) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withType(nodePort == null ? "ClusterIP" : "NodePort").withClusterIP(clusterIp)
                .addNewPort().withPort(80).withProtocol("TCP").withNodePort(nodePort).endPort().endSpec().build();
    }
}
