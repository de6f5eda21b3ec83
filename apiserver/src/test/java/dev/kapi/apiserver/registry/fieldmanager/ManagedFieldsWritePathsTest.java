package dev.kapi.apiserver.registry.fieldmanager;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WriteScope;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * managedFields on every write path of the pipeline, against etcd: create, update, status, scale, the server's
 * own writers, managers merged by name and operation, {@code []} clearing them, a malformed entry ignored (the
 * live ones kept), and at most ten update managers.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagedFieldsWritePathsTest {

    private EtcdStorage storage;
    private Store<Deployment> deployments;

    @BeforeAll
    void connect() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        StoreRegistry stores = TestStores.of(storage, prefix);
        deployments = stores.find("apps", "v1", "deployments", Deployment.class).orElseThrow();
    }

    @AfterAll
    void close() {
        storage.close();
    }

    private WriteScope<Deployment> scope() {
        return new WriteScope<>(deployments, "ns", null, Writes.ADMIN, "test-agent", null);
    }

    private Deployment create(String name, String manager) {
        Deployment d = Json.convert(Json.MAPPER.readTree("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s","labels":{"a":"1"}},
                 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"x"}},
                  "template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}"""
                .formatted(name)), Deployment.class);
        return Writes.PIPELINE.create(scope(), d, OperationOptions.create(false, manager, null));
    }

    private Deployment update(String name, String manager, java.util.function.UnaryOperator<Deployment> change) {
        return Writes.PIPELINE.update(scope(), name, change::apply, OperationOptions.update(false, manager, null));
    }

    private static ManagedFieldsEntry entry(Deployment d, String manager) {
        return d.getMetadata().getManagedFields().stream().filter(e -> e.getManager().equals(manager)).findFirst()
                .orElseThrow(() -> new AssertionError(manager + " not in " + Json.string(d.getMetadata()
                        .getManagedFields())));
    }

    private static String fields(ManagedFieldsEntry e) {
        return Json.string(e.getFieldsV1());
    }

    @Test
    void createAndUpdateTrackTheirWriters() {
        Deployment created = create("paths", "alice");
        ManagedFieldsEntry alice = entry(created, "alice");
        assertThat(alice.getOperation()).isEqualTo("Update");
        assertThat(alice.getApiVersion()).isEqualTo("apps/v1");
        assertThat(alice.getTime()).isNotNull();
        // the creator owns what defaulting filled in, as kube's creator does
        assertThat(fields(alice)).contains("\"f:replicas\"", "\"f:progressDeadlineSeconds\"",
                "\"k:{\\\"name\\\":\\\"c\\\"}\"", "\"f:imagePullPolicy\"").doesNotContain("f:name\":{},\"f:namespace");

        Deployment bob = update("paths", "bob", d -> {
            d.getSpec().setReplicas(3);
            return d;
        });
        assertThat(fields(entry(bob, "bob"))).isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
        assertThat(fields(entry(bob, "alice"))).doesNotContain("f:replicas");

        Deployment again = update("paths", "bob", d -> {
            d.getMetadata().getLabels().put("b", "2");
            return d;
        });
        assertThat(again.getMetadata().getManagedFields()).filteredOn(e -> e.getManager().equals("bob")).hasSize(1);
        assertThat(fields(entry(again, "bob"))).contains("f:replicas", "f:b");

        Deployment agent = update("paths", null, d -> {
            d.getMetadata().getLabels().put("c", "3");
            return d;
        });
        assertThat(fields(entry(agent, "test-agent"))).contains("f:c");
    }

    @Test
    void zeroValuesGoLeavesOutAreNeitherStoredNorOwned() {
        // kube decodes the body into its Go struct, where "paused": false is an absent field: not stored, not owned
        Deployment d = Json.convert(Json.MAPPER.readTree("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"zeros"},
                 "spec":{"replicas":1,"paused":false,"minReadySeconds":0,"selector":{"matchLabels":{"app":"x"}},
                  "template":{"metadata":{"labels":{"app":"x"}},"spec":{"hostNetwork":false,
                   "containers":[{"name":"c","image":"i","tty":false,"ports":[{"containerPort":80,"hostPort":0}]}]}}}}"""),
                Deployment.class);
        Deployment created = Writes.PIPELINE.create(scope(), d, OperationOptions.create(false, "alice", null));
        String owned = fields(entry(created, "alice"));
        assertThat(owned).contains("\"f:replicas\"", "\"f:containerPort\"")
                .doesNotContain("f:paused", "f:minReadySeconds", "f:hostNetwork", "f:tty", "f:hostPort");
        String stored = Json.string(created);
        assertThat(stored).doesNotContain("paused", "minReadySeconds", "hostNetwork", "\"tty\"", "hostPort");

        // a later update that sets one of them to its zero owns nothing either, and another manager's apply of a
        // non-zero value then does not conflict with it
        Deployment bob = update("zeros", "bob", x -> {
            x.getSpec().setPaused(false);
            x.getSpec().setReplicas(2);
            return x;
        });
        assertThat(fields(entry(bob, "bob"))).isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
    }

    @Test
    void statusAndScaleWritesOwnThroughTheirSubresource() {
        create("subresources", "alice");
        Deployment status = Writes.PIPELINE.update(scope().subresource("status"), "subresources", d -> {
            d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatus());
            d.getStatus().setObservedGeneration(1L);
            return d;
        }, OperationOptions.update(false, "carl", null));
        ManagedFieldsEntry carl = entry(status, "carl");
        assertThat(carl.getSubresource()).isEqualTo("status");
        assertThat(fields(carl)).isEqualTo("{\"f:status\":{\"f:observedGeneration\":{}}}");

        Scale scale = Writes.PIPELINE.updateScale(scope(), "subresources", s -> {
            s.getSpec().setReplicas(4);
            return s;
        }, OperationOptions.update(false, "scaler", null));
        assertThat(scale.getSpec().getReplicas()).isEqualTo(4);
        Deployment scaled = deployments.get("ns", "subresources");
        ManagedFieldsEntry scaler = entry(scaled, "scaler");
        assertThat(scaler.getSubresource()).isEqualTo("scale");
        assertThat(fields(scaler)).isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
        assertThat(fields(entry(scaled, "alice"))).doesNotContain("f:replicas");
    }

    @Test
    void anEmptyListClearsThemAndAMalformedEntryIsIgnored() {
        create("reset", "alice");
        Deployment malformed = update("reset", "bob", d -> {
            ManagedFieldsEntry bogus = new ManagedFieldsEntry();
            bogus.setManager("mallory");
            bogus.setOperation("Bogus");
            bogus.setApiVersion("apps/v1");
            bogus.setFieldsType("FieldsV1");
            d.getMetadata().setManagedFields(List.of(bogus));
            return d;
        });
        assertThat(malformed.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager)
                .containsExactly("alice");

        // an object without managedFields (fabric8: an empty list) keeps the live ones, as a request without them
        Deployment kept = update("reset", "bob", d -> {
            d.getMetadata().setManagedFields(List.of());
            d.getMetadata().getLabels().put("kept", "1");
            return d;
        });
        assertThat(kept.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager)
                .containsExactlyInAnyOrder("alice", "bob");

        // kube's reset, one empty entry (what a request's managedFields: [] is decoded into)
        Deployment cleared = update("reset", "bob", d -> {
            d.getMetadata().setManagedFields(List.of(new ManagedFieldsEntry()));
            return d;
        });
        assertThat(cleared.getMetadata().getManagedFields()).isNullOrEmpty();
    }

    @Test
    void theServersOwnWritersAreNamedAsKubeNamesThem() {
        Deployment d = Writes.PIPELINE.create(WriteScope.of(deployments, "ns", SystemUsers.API_SERVER),
                Json.convert(Json.MAPPER.readTree("""
                        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"system"},
                         "spec":{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},
                          "spec":{"containers":[{"name":"c","image":"i"}]}}}}"""), Deployment.class),
                OperationOptions.create());
        assertThat(entry(d, "kube-apiserver").getOperation()).isEqualTo("Update");
    }

    @Test
    void atMostTenUpdateManagersAreKept() {
        create("many", "m0");
        Deployment last = null;
        for (int i = 1; i <= 12; i++) {
            int n = i;
            last = update("many", "m" + n, d -> {
                d.getMetadata().getLabels().put("l" + n, "v");
                return d;
            });
        }
        assertThat(last.getMetadata().getManagedFields()).hasSizeLessThanOrEqualTo(10);
        assertThat(last.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager)
                .contains("ancient-changes", "m12");
    }
}
