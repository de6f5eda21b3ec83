package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.groups.apiregistration.APIServiceStrategy;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.APIServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * apiregistration.k8s.io/v1 on a real etcd with the server's controllers running: kube's Local APIServices for
 * every served group/version (kube's priorities, Available "Local"), following CRD versions as they come and go,
 * and a user's APIService naming a service stored but reported not proxied; kube-aggregator's validation.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiServiceRegistrationControllerTest {

    private EtcdStorage storage;
    private StoreRegistry stores;
    private ControllerManager controllers;
    private Store<APIService> apiServices;
    private String prefix;

    @BeforeAll
    void start() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        prefix = EtcdExtension.randomPrefix();
        stores = TestStores.of(storage, prefix);
        apiServices = stores.find("apiregistration.k8s.io", "v1", "apiservices", APIService.class).orElseThrow();
        controllers = new ControllerManager(stores, Writes.PIPELINE);
        controllers.start();
    }

    @AfterAll
    void stop() {
        controllers.close();
        storage.close();
    }

    private APIService find(String name) {
        try {
            return apiServices.get(null, name);
        } catch (StatusError e) {
            return null;
        }
    }

    private String available(String name) {
        APIService s = find(name);
        if (s == null || s.getStatus() == null || s.getStatus().getConditions() == null
                || s.getStatus().getConditions().isEmpty()) {
            return null; // status {} until the controller's first status write
        }
        var c = s.getStatus().getConditions().getFirst();
        return c.getType() + "=" + c.getStatus() + " " + c.getReason() + ": " + c.getMessage();
    }

    @Test
    void everyServedGroupVersionHasItsLocalApiService() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String name : List.of("v1.", "v1.apps", "v1.batch", "v1.flowcontrol.apiserver.k8s.io",
                    "v1.apiregistration.k8s.io", "v1.rbac.authorization.k8s.io", "v1.authorization.k8s.io",
                    "v1beta1.metrics.k8s.io")) {
                assertThat(available(name)).as(name)
                        .isEqualTo("Available=True Local: Local APIServices are always available");
            }
        });
        APIService core = find("v1.");
        assertThat(core.getSpec().getGroup()).isNull(); // "" is left out (omitempty), as kube answers it
        assertThat(core.getSpec().getService()).isNull();
        assertThat(List.of(core.getSpec().getGroupPriorityMinimum(), core.getSpec().getVersionPriority()))
                .containsExactly(18000, 1);
        APIService apps = find("v1.apps");
        assertThat(List.of(apps.getSpec().getGroupPriorityMinimum(), apps.getSpec().getVersionPriority()))
                .containsExactly(17800, 15);
        assertThat(apps.getMetadata().getLabels()).containsEntry("kube-aggregator.kubernetes.io/automanaged", "onstart");
        APIService fc = find("v1.flowcontrol.apiserver.k8s.io");
        assertThat(List.of(fc.getSpec().getGroupPriorityMinimum(), fc.getSpec().getVersionPriority()))
                .containsExactly(16100, 21);
        APIService metrics = find("v1beta1.metrics.k8s.io"); // served in process, with metrics-server's priorities
        assertThat(metrics.getSpec().getService()).isNull();
        assertThat(List.of(metrics.getSpec().getGroupPriorityMinimum(), metrics.getSpec().getVersionPriority()))
                .containsExactly(100, 100);
        assertThat(new APIServiceStrategy().tableColumns().stream().map(c -> c.cell().apply(apps)).toList())
                .startsWith("v1.apps", "Local", "True");
    }

    @Test
    void customResourceVersionsComeAndGoWithTheirApiServices() {
        Store<CustomResourceDefinition> crds = stores.find("apiextensions.k8s.io", "v1",
                "customresourcedefinitions", CustomResourceDefinition.class).orElseThrow();
        Writes.create(crds, null, new CustomResourceDefinitionBuilder().withNewMetadata()
                .withName("gizmos.reg.example.com").endMetadata().withNewSpec().withGroup("reg.example.com")
                .withScope("Namespaced").withNewNames().withPlural("gizmos").withSingular("gizmo").withKind("Gizmo")
                .withListKind("GizmoList").endNames().withVersions(version("v1", true), version("v2", false))
                .endSpec().build());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(available("v1.reg.example.com"))
                .isEqualTo("Available=True Local: Local APIServices are always available"));
        APIService v1 = find("v1.reg.example.com");
        assertThat(List.of(v1.getSpec().getGroupPriorityMinimum(), v1.getSpec().getVersionPriority()))
                .containsExactly(1000, 100);
        assertThat(v1.getMetadata().getLabels()).containsEntry("kube-aggregator.kubernetes.io/automanaged", "true");
        assertThat(find("v2.reg.example.com")).isNull();

        // v2 served, v1 no longer: their APIServices follow
        Writes.update(crds, null, "gizmos.reg.example.com", null, crd -> {
            List<CustomResourceDefinitionVersion> versions = new ArrayList<>();
            versions.add(version("v1", false));
            versions.add(version("v2", true));
            versions.get(0).setStorage(true);
            versions.get(1).setStorage(false);
            crd.getSpec().setVersions(versions);
            return crd;
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(find("v2.reg.example.com")).isNotNull();
            assertThat(find("v1.reg.example.com")).isNull();
        });
    }

    /** A restarted server must not take its CRDs' APIServices for unwanted before it has read the CRDs. */
    @Test
    void aRestartKeepsTheApiServicesOfCustomResources() throws InterruptedException {
        Store<CustomResourceDefinition> crds = stores.find("apiextensions.k8s.io", "v1",
                "customresourcedefinitions", CustomResourceDefinition.class).orElseThrow();
        Writes.create(crds, null, new CustomResourceDefinitionBuilder().withNewMetadata()
                .withName("sprockets.restart.example.com").endMetadata().withNewSpec().withGroup("restart.example.com")
                .withScope("Namespaced").withNewNames().withPlural("sprockets").withSingular("sprocket")
                .withKind("Sprocket").withListKind("SprocketList").endNames().withVersions(version("v1", true))
                .endSpec().build());
        await().atMost(Duration.ofSeconds(20)).until(() -> find("v1.restart.example.com") != null);
        String uid = find("v1.restart.example.com").getMetadata().getUid();
        for (int restart = 0; restart < 3; restart++) {
            StoreRegistry fresh = TestStores.of(storage, prefix);
            try (ControllerManager second = new ControllerManager(fresh, Writes.PIPELINE)) {
                second.start();
                for (int i = 0; i < 15; i++) {
                    APIService now = find("v1.restart.example.com");
                    assertThat(now).as("after restart %d", restart).isNotNull();
                    assertThat(now.getMetadata().getUid()).isEqualTo(uid);
                    Thread.sleep(100);
                }
            }
        }
    }

    private static CustomResourceDefinitionVersion version(String name, boolean served) {
        CustomResourceDefinitionVersion v = new CustomResourceDefinitionVersion();
        v.setName(name);
        v.setServed(served);
        v.setStorage(name.equals("v1"));
        v.setSchema(new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceValidationBuilder()
                .withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema().build());
        return v;
    }

    @Test
    void anApiServiceNamingAServiceIsStoredButReportedNotProxied() {
        Writes.create(apiServices, null, new APIServiceBuilder().withNewMetadata().withName("v1beta1.custom.metrics.k8s.io")
                .endMetadata().withNewSpec().withGroup("custom.metrics.k8s.io").withVersion("v1beta1")
                .withGroupPriorityMinimum(100).withVersionPriority(100).withInsecureSkipTLSVerify(true)
                .withNewService().withNamespace("kube-system").withName("prometheus-adapter").endService().endSpec()
                .build());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(available("v1beta1.custom.metrics.k8s.io"))
                .isEqualTo("Available=False ProxyNotSupported: this server does not proxy to extension API servers:"
                        + " the APIService is stored but its group/version is not served"));
        APIService stored = find("v1beta1.custom.metrics.k8s.io");
        assertThat(stored.getSpec().getService().getPort()).isEqualTo(443);
        assertThat(new APIServiceStrategy().tableColumns().stream().map(c -> c.cell().apply(stored)).toList())
                .startsWith("v1beta1.custom.metrics.k8s.io", "kube-system/prometheus-adapter", "False (ProxyNotSupported)");
        assertThat(stores.resources().find("custom.metrics.k8s.io", "v1beta1", "pods")).isEmpty();
    }

    @Test
    void validation() {
        APIServiceStrategy s = new APIServiceStrategy();
        APIService bad = new APIServiceBuilder().withNewMetadata().withName("v1.wrong").endMetadata().withNewSpec()
                .withGroup("example.com").withVersion("v1").withGroupPriorityMinimum(0).withVersionPriority(1001)
                .withCaBundle("AAAA").endSpec().build();
        assertThat(s.validate(bad).stream().map(FieldError::toString)).containsExactly(
                "metadata.name: Invalid value: \"v1.wrong\": must be `spec.version+\".\"+spec.group`: \"v1.example.com\"",
                "spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000",
                "spec.versionPriority: Invalid value: 1001: must be positive and less than 1000",
                "spec.caBundle: Invalid value: \"3 bytes\": local APIServices may not have a caBundle");
        APIService service = new APIServiceBuilder().withNewMetadata().withName("v2.").endMetadata().withNewSpec()
                .withGroup("").withVersion("v2").withGroupPriorityMinimum(1).withVersionPriority(1)
                .withNewService().withPort(0).endService().endSpec().build();
        assertThat(s.validate(service).stream().map(FieldError::toString)).containsExactly(
                "spec.group: Required value: only v1 may have an empty group and it better be legacy kube",
                "spec.service.namespace: Required value",
                "spec.service.name: Required value",
                "spec.service.port: Invalid value: 0: port is not valid: must be between 1 and 65535, inclusive");
    }
}
