package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The generic {@link Store} runs a strategy's update hooks: what {@code beforeUpdate} reserved for the
 * written object is kept, what the old object held and the new one does not is released
 * ({@code afterUpdate}), and a dry run releases nothing. Seen through Service node ports.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreUpdateHooksTest {

    private Storage storage;
    private Store<Service> services;

    @BeforeAll
    void connect() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        services = new BuiltInStores(storage).store("", "v1", "services");
    }

    @AfterAll
    void close() {
        storage.close();
    }

    private static Service nodePortService(String name, int nodePort) {
        return Json.convert(JsonTrees.parse("""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s"},
                 "spec":{"type":"NodePort","ports":[{"port":80,"nodePort":%d}]}}""".formatted(name, nodePort)),
                Service.class);
    }

    private static Service toClusterIp(Service svc) {
        svc.getSpec().setType("ClusterIP");
        svc.getSpec().getPorts().getFirst().setNodePort(null);
        return svc;
    }

    @ParameterizedTest(name = "dry run {0}: port free afterwards {1}")
    @CsvSource({"false, true", "true, false"})
    void anUpdateThatDropsANodePortReleasesItUnlessDryRun(boolean dryRun, boolean released) {
        int port = dryRun ? 30081 : 30080;
        Writes.create(services, "ns", nodePortService("first-" + port, port));
        Service updated = Writes.PIPELINE.update(WriteScope.of(services, "ns", Writes.ADMIN), "first-" + port,
                StoreUpdateHooksTest::toClusterIp, OperationOptions.update(dryRun, null, null));
        assertThat(updated.getSpec().getType()).isEqualTo("ClusterIP");

        if (released) {
            Service second = Writes.create(services, "ns", nodePortService("second-" + port, port));
            assertThat(second.getSpec().getPorts().getFirst().getNodePort()).isEqualTo(port);
        } else {
            assertThatThrownBy(() -> Writes.create(services, "ns", nodePortService("second-" + port, port)))
                    .isInstanceOfSatisfying(StatusError.class, e -> {
                        assertThat(e.code()).isEqualTo(422);
                        assertThat(e.getMessage()).contains("provided port is already allocated");
                    });
        }
    }
}
