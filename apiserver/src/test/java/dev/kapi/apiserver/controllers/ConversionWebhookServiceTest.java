package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.WidgetWebhook;
import dev.kapi.apiserver.testing.Writes;
import dev.kapi.apiserver.webhook.ServiceUrls;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code --webhook-service-urls} reaches CRD conversion webhooks, as it reaches admission webhooks: a CRD whose
 * conversion webhook is given as a service is served by the controller manager with a converter that calls the
 * address the settings map the service to.
 */
@ExtendWith(EtcdExtension.class)
class ConversionWebhookServiceTest {

    private static final String GROUP = "conversion.kapi.dev";

    @TempDir
    Path dir;

    @Test
    void aConversionWebhookGivenAsAServiceIsCalledWhereTheSettingsMapIt() throws Exception {
        try (WidgetWebhook webhook = new WidgetWebhook(dir);
             Storage storage = EtcdStorage.connect(EtcdExtension.endpoints())) {
            StoreRegistry stores = TestStores.of(storage, EtcdExtension.randomPrefix());
            ServiceUrls services = ServiceUrls.parse("conversion/widgets:443=" + webhook.url(""));
            try (ControllerManager manager = new ControllerManager(stores, Writes.PIPELINE,
                    ControllerSettings.DEFAULTS.withWebhookServices(services))) {
                manager.start();
                Writes.create(stores.find("apiextensions.k8s.io", "v1", "customresourcedefinitions",
                        CustomResourceDefinition.class).orElseThrow(), null, crd(webhook.caBundle()));
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> stores.resources().find(GROUP, "v2", "widgets").isPresent());
                GenericKubernetesResource w1 = new GenericKubernetesResource();
                w1.setApiVersion(GROUP + "/v1");
                w1.setKind("Widget");
                w1.setMetadata(new ObjectMetaBuilder().withName("w1").build());
                w1.setAdditionalProperty("spec", Map.of("size", "3"));
                Writes.create(store(stores, "v1"), "default", w1);

                GenericKubernetesResource atV2 = store(stores, "v2").get("default", "w1");
                assertThat(atV2.getApiVersion()).isEqualTo(GROUP + "/v2");
                assertThat(atV2.<Integer>get("spec", "replicas")).isEqualTo(3);
                assertThat(webhook.lastReview().path("path").asString()).isEqualTo("/convert?timeout=30s");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Store<GenericKubernetesResource> store(StoreRegistry stores, String version) {
        return stores.store((ResourceDefinition<GenericKubernetesResource>) stores.resources()
                .find(GROUP, version, "widgets").orElseThrow());
    }

    private static CustomResourceDefinition crd(String caBundle) {
        String schema = """
                {"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}""";
        return Json.read("""
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"widgets.%1$s"},
                 "spec":{"group":"%1$s","scope":"Namespaced",
                  "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
                  "versions":[{"name":"v1","served":true,"storage":true,"schema":%2$s},
                              {"name":"v2","served":true,"storage":false,"schema":%2$s}],
                  "conversion":{"strategy":"Webhook","webhook":{"conversionReviewVersions":["v1"],
                   "clientConfig":{"service":{"namespace":"conversion","name":"widgets","path":"/convert"},
                    "caBundle":"%3$s"}}}}}""".formatted(GROUP, schema, caBundle).getBytes(StandardCharsets.UTF_8),
                CustomResourceDefinition.class);
    }
}
