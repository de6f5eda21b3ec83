package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.groups.flowcontrol.ApfConfigurationEnsurer;
import dev.kapi.apiserver.registry.groups.flowcontrol.FlowSchemaStrategy;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchemaBuilder;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfigurationBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Dangling condition kube's APF controller keeps on every FlowSchema, on a real etcd with the server's
 * controllers running: False ("Found") for the bootstrap schemas, True ("NotFound") for one naming a missing
 * priority level until that level is created; kubectl's MISSINGPL column shows it.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowSchemaStatusControllerTest {

    private EtcdStorage storage;
    private StoreRegistry stores;
    private ControllerManager controllers;
    private Store<FlowSchema> schemas;

    @BeforeAll
    void start() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        stores = TestStores.of(storage, prefix);
        schemas = stores.find("flowcontrol.apiserver.k8s.io", "v1", "flowschemas", FlowSchema.class).orElseThrow();
        new ApfConfigurationEnsurer(stores, Writes.PIPELINE).ensure();
        controllers = new ControllerManager(stores, Writes.PIPELINE);
        controllers.start();
    }

    @AfterAll
    void stop() {
        controllers.close();
        storage.close();
    }

    private String dangling(String name) {
        FlowSchema fs = schemas.get(null, name);
        if (fs.getStatus() == null || fs.getStatus().getConditions() == null
                || fs.getStatus().getConditions().isEmpty()) { // kube's shape: status {} until the controller writes
            return null;
        }
        var c = fs.getStatus().getConditions().getFirst();
        return c.getType() + "=" + c.getStatus() + " " + c.getReason() + ": " + c.getMessage();
    }

    @Test
    void danglingSaysWhetherThePriorityLevelExists() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(dangling("exempt")).isEqualTo(
                "Dangling=False Found: This FlowSchema references the PriorityLevelConfiguration object named"
                        + " \"exempt\" and it exists"));
        FlowSchemaStrategy strategy = new FlowSchemaStrategy();
        assertThat(strategy.tableColumns().getLast().cell().apply(schemas.get(null, "exempt"))).isEqualTo("False");

        Writes.create(schemas, null, new FlowSchemaBuilder().withNewMetadata().withName("mine").endMetadata()
                .withNewSpec().withNewPriorityLevelConfiguration("later").withMatchingPrecedence(5000).endSpec()
                .build());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(dangling("mine")).isEqualTo(
                "Dangling=True NotFound: This FlowSchema references the PriorityLevelConfiguration object named"
                        + " \"later\" but there is no such object"));
        assertThat(strategy.tableColumns().getLast().cell().apply(schemas.get(null, "mine"))).isEqualTo("True");

        Writes.create(stores.find("flowcontrol.apiserver.k8s.io", "v1", "prioritylevelconfigurations",
                PriorityLevelConfiguration.class).orElseThrow(), null, new PriorityLevelConfigurationBuilder()
                .withNewMetadata().withName("later").endMetadata().withNewSpec().withType("Limited").withNewLimited()
                .withNewLimitResponse().withType("Reject").endLimitResponse().endLimited().endSpec().build());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(dangling("mine"))
                .startsWith("Dangling=False Found:"));
    }
}
