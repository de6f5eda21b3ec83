package dev.kapi.apiserver.registry.apiextensions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Custom resources on a real etcd: kube's key layout {@code /registry/<group>/<plural>/<ns>/<name>} at the
 * storage version, two served versions reading one object (conversion None), defaults on read, and generation
 * counting status changes only where there is no status subresource.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomResourceStoreTest {

    private Storage storage;
    private String prefix;
    private StoreRegistry stores;

    @BeforeAll
    void connect() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        prefix = EtcdExtension.randomPrefix();
        ResourceRegistry registry = new ResourceRegistry(List.of());
        for (String status : new String[] {"true", "false"}) {
            CustomResourceDefinition crd = crd(status.equals("true") ? "withstatus" : "nostatus",
                    status.equals("true"));
            CustomResources.definitionsOf(crd).forEach(registry::register);
        }
        stores = new StoreRegistry(registry, storage, prefix);
    }

    @AfterAll
    void close() {
        storage.close();
    }

    private static CustomResourceDefinition crd(String group, boolean statusSubresource) {
        String subresources = statusSubresource ? ",\"subresources\":{\"status\":{}}" : "";
        String schema = """
                "schema":{"openAPIV3Schema":{"type":"object","properties":{
                  "spec":{"type":"object","properties":{"size":{"type":"integer","default":3}}},
                  "status":{"type":"object","properties":{"ready":{"type":"boolean"}}}}}}""";
        CustomResourceDefinition crd = Json.read("""
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"things.%1$s.kapi.dev"},
                 "spec":{"group":"%1$s.kapi.dev","scope":"Namespaced",
                   "names":{"plural":"things","singular":"thing","kind":"Thing","listKind":"%4$s"},
                   "versions":[{"name":"v1beta1","served":true,"storage":false%2$s,%3$s},
                               {"name":"v1","served":true,"storage":true%2$s,%3$s}]}}
                """.formatted(group, subresources, schema, statusSubresource ? "ThingList" : "ThingCollection")
                .getBytes(StandardCharsets.UTF_8),
                CustomResourceDefinition.class);
        new CrdStrategy().applyDefaults(crd);
        new CrdStrategy().prepareForCreate(crd);
        crd.getStatus().setAcceptedNames(crd.getSpec().getNames());
        CrdConditions.set(crd, CrdConditions.of(CrdConditions.ESTABLISHED, "True", "InitialNamesAccepted", ""));
        return crd;
    }

    @SuppressWarnings("unchecked")
    private Store<GenericKubernetesResource> store(String group, String version) {
        ResourceDefinition<GenericKubernetesResource> d = (ResourceDefinition<GenericKubernetesResource>)
                stores.resources().find(group + ".kapi.dev", version, "things").orElseThrow();
        return stores.store(d);
    }

    private static GenericKubernetesResource thing(String name, String apiVersion) {
        GenericKubernetesResource t = new GenericKubernetesResource();
        t.setApiVersion(apiVersion);
        t.setKind("Thing");
        t.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
        t.setAdditionalProperty("spec", Map.of());
        return t;
    }

    @Test
    void storedAtTheStorageVersionUnderTheGroupFolderAndServedAtEveryVersion() {
        Store<GenericKubernetesResource> beta = store("withstatus", "v1beta1");
        GenericKubernetesResource created = Writes.create(beta, "default",
                thing("a", "withstatus.kapi.dev/v1beta1"));
        assertThat(created.getApiVersion()).isEqualTo("withstatus.kapi.dev/v1beta1");
        assertThat(created.<Integer>get("spec", "size")).isEqualTo(3);
        KeyValue kv = storage.get(prefix + "/withstatus.kapi.dev/things/default/a");
        assertThat(Json.object(kv.value()).path("apiVersion").asString()).isEqualTo("withstatus.kapi.dev/v1");
        GenericKubernetesResource v1 = store("withstatus", "v1").get("default", "a");
        assertThat(v1.getApiVersion()).isEqualTo("withstatus.kapi.dev/v1");
        assertThat(v1.getMetadata().getResourceVersion()).isEqualTo(created.getMetadata().getResourceVersion());
        assertThat(v1.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
    }

    @Test
    void listsHaveTheCrdsListKind() {
        assertThat(store("withstatus", "v1").definition().listKind()).isEqualTo("ThingList");
        assertThat(store("nostatus", "v1").definition().listKind()).isEqualTo("ThingCollection");
    }

    @Test
    void defaultsAreAppliedToWhatIsReadToo() {
        storage.create(prefix + "/withstatus.kapi.dev/things/default/old", """
                {"apiVersion":"withstatus.kapi.dev/v1","kind":"Thing","metadata":{"name":"old","namespace":"default",
                 "uid":"u1","creationTimestamp":"2026-01-01T00:00:00Z"},"spec":{}}""".getBytes(StandardCharsets.UTF_8));
        assertThat(store("withstatus", "v1").get("default", "old").<Integer>get("spec", "size")).isEqualTo(3);
    }

    @Test
    void generationCountsStatusChangesOnlyWithoutAStatusSubresource() {
        for (String group : new String[] {"withstatus", "nostatus"}) {
            Store<GenericKubernetesResource> store = store(group, "v1");
            Writes.create(store, "default", thing("g", group + ".kapi.dev/v1"));
            GenericKubernetesResource updated = Writes.update(store, "default", "g", t -> {
                t.setAdditionalProperty("status", Map.of("ready", true));
                return t;
            });
            assertThat(updated.getMetadata().getGeneration()).as(group).isEqualTo(group.equals("nostatus") ? 2L : 1L);
        }
    }

    /** kube's custom resource strategy allows no unconditional update: a PUT must say what it replaces. */
    @Test
    void anUpdateWithoutAResourceVersionIsRefused() {
        Store<GenericKubernetesResource> store = store("withstatus", "v1");
        Writes.create(store, "default", thing("u", "withstatus.kapi.dev/v1"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Writes.update(store, "default", "u", t -> {
                    t.getMetadata().setResourceVersion(null);
                    return t;
                })).isInstanceOfSatisfying(dev.kapi.apiserver.api.StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.status().getMessage()).isEqualTo("things.withstatus.kapi.dev \"u\" is invalid: "
                            + "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
                });
        assertThat(Writes.update(store, "default", "u", t -> t).getMetadata().getName()).isEqualTo("u");
    }
}
