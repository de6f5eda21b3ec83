package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.authz.rbac.Rules;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rbac.BootstrapReconciler;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.rbac.AggregationRule;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.kapi.apiserver.authz.rbac.Rules.resourceRule;
import static dev.kapi.apiserver.testing.RbacFixtures.clusterRole;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ClusterRole aggregation controller, run by the {@link ControllerManager} on a real etcd after the
 * bootstrap policy: an aggregated ClusterRole gains a labelled role's rules (and a second one's, in name
 * order); the bootstrap's admin, edit and view are aggregated.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterRoleAggregationControllerTest {

    private Storage storage;
    private StoreRegistry stores;
    private ControllerManager controllers;

    @BeforeAll
    void start() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        stores = TestStores.of(storage, prefix);
        new BootstrapReconciler(stores, Writes.PIPELINE).reconcile();
        controllers = new ControllerManager(stores, Writes.PIPELINE);
        controllers.start();
    }

    @AfterAll
    void stop() {
        controllers.close();
        storage.close();
    }

    private Store<ClusterRole> clusterRoles() {
        return stores.find("rbac.authorization.k8s.io", "v1", "clusterroles", ClusterRole.class).orElseThrow();
    }

    private static void eventually(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aggregatesLabelledClusterRoles() throws InterruptedException {
        Store<ClusterRole> clusterRoles = clusterRoles();
        ClusterRole monitoring = clusterRole("monitoring");
        LabelSelector selector = new LabelSelector();
        selector.setMatchLabels(Map.of("example.com/aggregate-to-monitoring", "true"));
        AggregationRule rule = new AggregationRule();
        rule.setClusterRoleSelectors(List.of(selector));
        monitoring.setAggregationRule(rule);
        Writes.create(clusterRoles, null, monitoring);

        ClusterRole pods = clusterRole("monitoring-pods", resourceRule(List.of(""), List.of("pods"), List.of("list")));
        pods.getMetadata().setLabels(Map.of("example.com/aggregate-to-monitoring", "true"));
        Writes.create(clusterRoles, null, pods);
        Writes.create(clusterRoles, null, clusterRole("unlabelled", resourceRule(List.of(""), List.of("secrets"),
                List.of("get"))));
        eventually("rules aggregated", () -> !nz(clusterRoles.get(null, "monitoring").getRules()).isEmpty());
        assertThat(clusterRoles.get(null, "monitoring").getRules()).extracting(Rules::key)
                .containsExactly(Rules.key(resourceRule(List.of(""), List.of("pods"), List.of("list"))));

        ClusterRole nodes = clusterRole("monitoring-nodes", resourceRule(List.of(""), List.of("nodes"), List.of("get")));
        nodes.getMetadata().setLabels(Map.of("example.com/aggregate-to-monitoring", "true"));
        Writes.create(clusterRoles, null, nodes);
        eventually("second role aggregated", () -> nz(clusterRoles.get(null, "monitoring").getRules()).size() == 2);
        assertThat(clusterRoles.get(null, "monitoring").getRules()).extracting(Rules::resources)
                .containsExactly(List.of("nodes"), List.of("pods"));
    }

    @Test
    void bootstrapAggregatesAdminEditView() throws InterruptedException {
        Store<ClusterRole> clusterRoles = clusterRoles();
        eventually("view aggregated", () -> !nz(clusterRoles.get(null, "view").getRules()).isEmpty());
        eventually("admin aggregated", () -> nz(clusterRoles.get(null, "admin").getRules()).stream()
                .anyMatch(r -> Rules.resources(r).contains("rolebindings")));
        eventually("edit has view's rules", () -> nz(clusterRoles.get(null, "edit").getRules()).stream()
                .anyMatch(r -> Rules.resources(r).contains("pods/log")));
        assertThat(clusterRoles.get(null, "view").getRules()).noneMatch(r -> Rules.resources(r).contains("secrets"));
    }

    private static <T> List<T> nz(List<T> l) {
        return l == null ? List.of() : l;
    }
}
