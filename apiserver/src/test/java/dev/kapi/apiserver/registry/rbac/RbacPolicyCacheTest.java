package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.rbac.PolicySnapshot;
import dev.kapi.apiserver.authz.rbac.RbacAuthorizer;
import dev.kapi.apiserver.authz.rbac.Rules;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static dev.kapi.apiserver.authz.rbac.Rules.resourceRule;
import static dev.kapi.apiserver.testing.RbacFixtures.pathRequest;
import static dev.kapi.apiserver.testing.RbacFixtures.person;
import static dev.kapi.apiserver.testing.RbacFixtures.request;
import static dev.kapi.apiserver.testing.RbacFixtures.role;
import static dev.kapi.apiserver.testing.RbacFixtures.roleBinding;
import static dev.kapi.apiserver.testing.RbacFixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RBAC cache and bootstrap on a real etcd: the cache follows creates, updates and deletes; the bootstrap
 * policy lets anonymous users read only /healthz, /livez, /readyz and /version, and is reconciled again
 * without duplicates. (Aggregation: {@code controllers/ClusterRoleAggregationControllerTest}.)
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RbacPolicyCacheTest {

    private Storage storage;
    private StoreRegistry stores;
    private RbacPolicyCache cache;
    private RbacAuthorizer rbac;

    @BeforeAll
    void start() throws InterruptedException {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        stores = TestStores.of(storage, prefix);
        new BootstrapReconciler(stores, Writes.PIPELINE).reconcile();
        cache = new RbacPolicyCache(stores);
        cache.start();
        assertThat(cache.awaitSynced(Duration.ofSeconds(10))).isTrue();
        rbac = new RbacAuthorizer(cache);
    }

    @AfterAll
    void stop() {
        cache.close();
        storage.close();
    }

    private static void eventually(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private boolean snapshot(Predicate<PolicySnapshot> p) {
        return p.test(cache.current());
    }

    @Test
    void followsCreatesUpdatesAndDeletes() throws InterruptedException {
        Store<Role> roles = RbacResources.store(stores, "roles", Role.class);
        Store<RoleBinding> bindings = RbacResources.store(stores, "rolebindings", RoleBinding.class);
        UserInfo frank = person("frank");
        var getPods = request(frank, "get", "", "pods", "team", "p");
        Writes.create(roles, "team", role("team", "reader", resourceRule(List.of(""), List.of("configmaps"),
                List.of("get"))));
        Writes.create(bindings, "team", roleBinding("team", "frank", "Role", "reader", user("frank")));
        eventually("binding seen", () -> snapshot(s -> s.role("team", "reader") != null
                && !s.roleBindingsFor(frank, "team").isEmpty()));
        assertThat(rbac.authorize(getPods).allowed()).isFalse();

        Writes.update(roles, "team", "reader", r -> {
            r.setRules(List.of(resourceRule(List.of(""), List.of("pods"), List.of("get"))));
            return r;
        });
        eventually("update seen", () -> rbac.authorize(getPods).allowed());

        Writes.delete(bindings, "team", "frank");
        eventually("delete seen", () -> !rbac.authorize(getPods).allowed());
        assertThat(cache.current().role("team", "reader")).isNotNull();
    }

    @Test
    void anonymousMayReadOnlyHealthAndVersion() throws InterruptedException {
        UserInfo anonymous = UserInfo.anonymous();
        eventually("bootstrap cached", () -> snapshot(s -> s.clusterRoleBinding("system:public-info-viewer") != null));
        for (String path : List.of("/healthz", "/livez", "/readyz", "/version")) {
            assertThat(rbac.authorize(pathRequest(anonymous, "get", path)).allowed()).as(path).isTrue();
        }
        for (String path : List.of("/api", "/apis", "/openapi/v2", "/metrics", "/healthz/etcd")) {
            assertThat(rbac.authorize(pathRequest(anonymous, "get", path)).allowed()).as(path).isFalse();
        }
        assertThat(rbac.authorize(request(anonymous, "list", "", "namespaces", "", "")).allowed()).isFalse();
        UserInfo someone = person("someone");
        assertThat(rbac.authorize(pathRequest(someone, "get", "/apis/apps/v1")).allowed()).isTrue();
        assertThat(rbac.authorize(request(someone, "create", "authorization.k8s.io", "selfsubjectaccessreviews",
                "", "")).allowed()).isTrue();
        assertThat(rbac.authorize(request(someone, "list", "", "pods", "default", "")).allowed()).isFalse();
        UserInfo admin = new UserInfo("admin", "", List.of("system:masters"), Map.of());
        assertThat(rbac.authorize(request(admin, "delete", "", "nodes", "", "n")).allowed()).isTrue();
    }

    @Test
    void reconcilingAgainKeepsUserAdditionsAndAddsNothingTwice() {
        Store<ClusterRole> clusterRoles = RbacResources.store(stores, "clusterroles", ClusterRole.class);
        Writes.update(clusterRoles, null, "system:discovery", r -> {
            var rules = new java.util.ArrayList<>(r.getRules());
            rules.add(Rules.urlRule(List.of("/custom"), List.of("get")));
            r.setRules(rules);
            return r;
        });
        String before = clusterRoles.get(null, "system:discovery").getMetadata().getResourceVersion();
        new BootstrapReconciler(stores, Writes.PIPELINE).reconcile();
        ClusterRole after = clusterRoles.get(null, "system:discovery");
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before);
        assertThat(after.getRules()).hasSize(2);
    }
}
