package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Custom resources through the Java clients: a CRD created with fabric8 and waited for until Established,
 * then objects through fabric8's {@code GenericKubernetesResource}, a typed {@code CustomResource} class
 * (status and scale subresources) and client-java's {@code DynamicKubernetesApi}.
 */
@ExtendWith(KapiServerExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CustomResourcesClientsIT {

    private static final String NS = "e2e-crd-clients";
    private static final String GROUP = "clients.e2e.kapi.dev";
    private static KubernetesClient fabric8;
    private static ApiClient clientJava;

    public record GizmoSpec(Integer replicas, Integer maxReplicas, String color, String mode) {
    }

    public record GizmoStatus(Integer replicas) {
    }

    @Group(GROUP)
    @Version("v1")
    @Kind("Gizmo")
    @Plural("gizmos")
    public static class Gizmo extends CustomResource<GizmoSpec, GizmoStatus> implements Namespaced {
    }

    @BeforeAll
    static void connect() throws IOException {
        KubeHttp.createNamespace(NS);
        Config config = Config.fromKubeconfig(Files.readString(KapiServerExtension.server().kubeconfig()));
        fabric8 = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
        try (Reader reader = Files.newBufferedReader(KapiServerExtension.server().kubeconfig())) {
            clientJava = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(reader)).build();
        }
        CustomResourceDefinition crd = fabric8.apiextensions().v1().customResourceDefinitions()
                .load(new ByteArrayInputStream(CustomResourcesKubectlIT.CRD.replace("kubectl.e2e.kapi.dev", GROUP)
                        .getBytes(StandardCharsets.UTF_8))).item();
        fabric8.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        fabric8.apiextensions().v1().customResourceDefinitions().withName("gizmos." + GROUP).waitUntilCondition(
                c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
                        .anyMatch(x -> x.getType().equals("Established") && x.getStatus().equals("True")),
                5, TimeUnit.SECONDS);
    }

    @AfterAll
    static void close() {
        if (fabric8 != null) {
            fabric8.close();
        }
    }

    @Test
    void fabric8GenericResources() {
        var gizmos = fabric8.genericKubernetesResources(GROUP + "/v1", "Gizmo").inNamespace(NS);
        GenericKubernetesResource g = new GenericKubernetesResourceBuilder().withApiVersion(GROUP + "/v1")
                .withKind("Gizmo").withNewMetadata().withName("generic").endMetadata()
                .addToAdditionalProperties("spec", Map.of("replicas", 1, "color", "red", "mode", "a")).build();
        GenericKubernetesResource created = gizmos.resource(g).create();
        assertThat(created.getMetadata().getUid()).isNotEmpty();
        assertThat(created.<Integer>get("spec", "maxReplicas")).isEqualTo(5);
        GenericKubernetesResource edited = gizmos.withName("generic").edit(o -> {
            o.<Map<String, Object>>get("spec").put("color", "blue");
            return o;
        });
        assertThat(edited.<String>get("spec", "color")).isEqualTo("blue");
        assertThat(gizmos.list().getItems()).extracting(o -> o.getMetadata().getName()).contains("generic");
        assertThatThrownBy(() -> gizmos.resource(new GenericKubernetesResourceBuilder().withApiVersion(GROUP + "/v1")
                .withKind("Gizmo").withNewMetadata().withName("bad").endMetadata()
                .addToAdditionalProperties("spec", Map.of("replicas", 11, "color", "red")).build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.replicas in body should be less than or equal to 10");
                });
        assertThat(gizmos.withName("generic").delete()).hasSize(1);
    }

    @Test
    void fabric8TypedResources() {
        var gizmos = fabric8.resources(Gizmo.class).inNamespace(NS);
        Gizmo g = new Gizmo();
        g.getMetadata().setName("typed");
        g.setSpec(new GizmoSpec(2, 8, "red", "a"));
        Gizmo created = gizmos.resource(g).create();
        assertThat(created.getSpec().maxReplicas()).isEqualTo(8);
        created.setStatus(new GizmoStatus(2));
        Gizmo withStatus = gizmos.resource(created).updateStatus();
        assertThat(withStatus.getStatus().replicas()).isEqualTo(2);
        gizmos.withName("typed").scale(3);
        assertThat(gizmos.withName("typed").get().getSpec().replicas()).isEqualTo(3);
        assertThat(gizmos.withName("typed").get().getStatus().replicas()).isEqualTo(2);
    }

    @Test
    void fabric8WatchSeesAddModifyDeleteAndAdmissionKnowsTheNamespace() throws Exception {
        var gizmos = fabric8.genericKubernetesResources(GROUP + "/v1", "Gizmo").inNamespace(NS);
        java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
        try (var watch = gizmos.watch(new io.fabric8.kubernetes.client.Watcher<>() {
            @Override
            public void eventReceived(Action action, GenericKubernetesResource resource) {
                if (resource.getMetadata().getName().equals("watched")) {
                    events.add(action + " " + resource.<String>get("spec", "color"));
                }
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
            }
        })) {
            gizmos.resource(new GenericKubernetesResourceBuilder().withApiVersion(GROUP + "/v1").withKind("Gizmo")
                    .withNewMetadata().withName("watched").endMetadata()
                    .addToAdditionalProperties("spec", Map.of("replicas", 1, "color", "red", "mode", "a")).build())
                    .create();
            gizmos.withName("watched").edit(o -> {
                o.<Map<String, Object>>get("spec").put("color", "blue");
                return o;
            });
            gizmos.withName("watched").delete();
            assertThat(List.of(events.poll(5, TimeUnit.SECONDS), events.poll(5, TimeUnit.SECONDS),
                    events.poll(5, TimeUnit.SECONDS))).containsExactly("ADDED red", "MODIFIED blue", "DELETED blue");
        }
        // NamespaceLifecycle admission refuses a custom object in a namespace that does not exist, as for pods
        assertThatThrownBy(() -> fabric8.genericKubernetesResources(GROUP + "/v1", "Gizmo").inNamespace("no-such-ns")
                .resource(new GenericKubernetesResourceBuilder().withApiVersion(GROUP + "/v1").withKind("Gizmo")
                        .withNewMetadata().withName("x").endMetadata()
                        .addToAdditionalProperties("spec", Map.of("replicas", 1)).build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("namespaces \"no-such-ns\" not found");
                });
    }

    @Test
    void clientJavaDynamicApi() {
        DynamicKubernetesApi api = new DynamicKubernetesApi(GROUP, "v1", "gizmos", clientJava);
        DynamicKubernetesObject obj = new DynamicKubernetesObject(JsonParser.parseString("""
                {"apiVersion":"%s/v1","kind":"Gizmo","metadata":{"name":"dynamic","namespace":"%s"},
                 "spec":{"replicas":1,"color":"red","mode":"a"}}""".formatted(GROUP, NS)).getAsJsonObject());
        DynamicKubernetesObject created = api.create(obj).getObject();
        assertThat(created.getMetadata().getUid()).isNotEmpty();
        DynamicKubernetesObject read = api.get(NS, "dynamic").getObject();
        assertThat(read.getRaw().getAsJsonObject("spec").get("maxReplicas").getAsInt()).isEqualTo(5);
        assertThat(api.list(NS).getObject().getItems()).extracting(o -> o.getMetadata().getName()).contains("dynamic");
        assertThat(api.delete(NS, "dynamic").isSuccess()).isTrue();
        assertThat(api.get(NS, "dynamic").getHttpStatusCode()).isEqualTo(404);
    }
}
