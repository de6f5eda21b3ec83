package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ManagedFieldsEntry;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.PatchUtils;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Server-side apply from the Java clients: fabric8 kubernetes-client 8 ({@code serverSideApply()} with
 * {@code fieldManager} and {@code forceConflicts}) and client-java 24 ({@code PatchUtils} with
 * {@code application/apply-patch+yaml}); managedFields read through each client's typed model.
 */
@ExtendWith(KapiServerExtension.class)
class ServerSideApplyClientsIT {

    private static final String NS = "e2e-ssa-clients";
    private static KubernetesClient fabric8;
    private static ApiClient apiClient;
    private static CoreV1Api core;

    @BeforeAll
    static void connect() throws IOException {
        KubeHttp.createNamespace(NS);
        String kubeconfig = Files.readString(KapiServerExtension.server().kubeconfig());
        fabric8 = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig))
                .withHttpClientFactory(new JdkHttpClientFactory()).build();
        try (Reader reader = Files.newBufferedReader(KapiServerExtension.server().kubeconfig())) {
            apiClient = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(reader)).build();
            core = new CoreV1Api(apiClient);
        }
    }

    @AfterAll
    static void close() {
        if (fabric8 != null) {
            fabric8.close();
        }
    }

    // ---- fabric8

    private static ConfigMap fabric8ConfigMap(String name, Map<String, String> labels, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NS).withLabels(labels)
                .endMetadata().withData(data).build();
    }

    private static ManagedFieldsEntry fabric8Entry(ConfigMap cm, String manager) {
        return cm.getMetadata().getManagedFields().stream()
                .filter(e -> manager.equals(e.getManager()) && "Apply".equals(e.getOperation()))
                .findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fabric8Data(ManagedFieldsEntry e) {
        Map<String, Object> fields = e.getFieldsV1().getAdditionalProperties();
        return (Map<String, Object>) fields.getOrDefault("f:data", Map.of());
    }

    @Test
    void fabric8ServerSideApplyCreatesUpdatesAndConflicts() {
        ConfigMap created = fabric8.resource(fabric8ConfigMap("f8-applied", Map.of("app", "f8", "tier", "one"),
                Map.of("k", "v1"))).fieldManager("f8").forceConflicts().serverSideApply();
        assertThat(created.getMetadata().getUid()).isNotEmpty();
        assertThat(created.getData()).containsExactly(Map.entry("k", "v1"));
        ManagedFieldsEntry f8 = fabric8Entry(created, "f8");
        assertThat(f8).as(created.getMetadata().getManagedFields().toString()).isNotNull();
        assertThat(f8.getApiVersion()).isEqualTo("v1");
        assertThat(f8.getFieldsType()).isEqualTo("FieldsV1");
        assertThat(fabric8Data(f8)).containsOnlyKeys("f:k");

        ConfigMap updated = fabric8.resource(fabric8ConfigMap("f8-applied", Map.of("app", "f8"),
                Map.of("k", "v2", "more", "x"))).fieldManager("f8").forceConflicts().serverSideApply();
        assertThat(updated.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
        assertThat(updated.getData()).containsOnly(Map.entry("k", "v2"), Map.entry("more", "x"));
        assertThat(updated.getMetadata().getLabels()).as("label dropped from the applied object")
                .containsOnly(Map.entry("app", "f8"));
        assertThat(fabric8Data(fabric8Entry(updated, "f8"))).containsOnlyKeys("f:k", "f:more");

        KubernetesClientException conflict = assertThrows(KubernetesClientException.class,
                () -> fabric8.resource(fabric8ConfigMap("f8-applied", Map.of(), Map.of("k", "other")))
                        .fieldManager("f8-other").serverSideApply());
        assertThat(conflict.getCode()).isEqualTo(409);
        assertThat(conflict.getStatus().getReason()).isEqualTo("Conflict");
        assertThat(conflict.getStatus().getMessage())
                .isEqualTo("Apply failed with 1 conflict: conflict with \"f8\": .data.k");
        assertThat(conflict.getStatus().getDetails().getCauses()).singleElement().satisfies(c -> {
            assertThat(c.getReason()).isEqualTo("FieldManagerConflict");
            assertThat(c.getMessage()).isEqualTo("conflict with \"f8\"");
            assertThat(c.getField()).isEqualTo(".data.k");
        });
        assertThat(fabric8.configMaps().inNamespace(NS).withName("f8-applied").get().getData())
                .containsEntry("k", "v2");
    }

    // ---- client-java

    private static String yaml(String name, String value) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                  namespace: %s
                data:
                  k: %s
                """.formatted(name, NS, value);
    }

    /**
     * An apply's answer through client-java's typed models. client-java 22 and later leave {@code
     * metadata.managedFields} out when they read an object (their {@code V1MetadataExclusionStrategy}; 24.0.0 has
     * no switch to keep them), so the answer is taken as JSON and its entries read one by one as
     * {@link V1ManagedFieldsEntry}.
     */
    private record Applied(V1ConfigMap object, List<V1ManagedFieldsEntry> managedFields) {

        V1ManagedFieldsEntry entry(String manager) {
            return managedFields.stream()
                    .filter(e -> manager.equals(e.getManager()) && "Apply".equals(e.getOperation()))
                    .findFirst().orElse(null);
        }
    }

    private static Applied clientJavaApply(String name, String yaml, String manager, boolean force)
            throws ApiException {
        JsonObject answer = PatchUtils.patch(JsonObject.class,
                () -> core.patchNamespacedConfigMap(name, NS, new V1Patch(yaml)).fieldManager(manager).force(force)
                        .buildCall(null),
                V1Patch.PATCH_FORMAT_APPLY_YAML, apiClient);
        List<V1ManagedFieldsEntry> entries = new ArrayList<>();
        JsonElement managedFields = answer.getAsJsonObject("metadata").get("managedFields");
        if (managedFields != null) {
            managedFields.getAsJsonArray()
                    .forEach(e -> entries.add(JSON.getGson().fromJson(e, V1ManagedFieldsEntry.class)));
        }
        return new Applied(JSON.deserialize(answer.toString(), V1ConfigMap.class), entries);
    }

    /** The keys under {@code f:data} of the entry's fieldsV1 (a map as client-java's Gson reads it). */
    private static List<String> clientJavaData(V1ManagedFieldsEntry e) {
        Object data = ((Map<?, ?>) e.getFieldsV1()).get("f:data");
        return data instanceof Map<?, ?> m ? m.keySet().stream().map(String::valueOf).toList() : List.of();
    }

    @Test
    void clientJavaApplyCreatesUpdatesAndIsTakenOverByForce() throws ApiException {
        Applied created = clientJavaApply("cj-applied", yaml("cj-applied", "v1"), "cj", true);
        assertThat(created.object().getMetadata().getUid()).isNotEmpty();
        assertThat(created.object().getData()).containsExactly(Map.entry("k", "v1"));
        V1ManagedFieldsEntry cj = created.entry("cj");
        assertThat(cj).as(created.managedFields().toString()).isNotNull();
        assertThat(cj.getApiVersion()).isEqualTo("v1");
        assertThat(cj.getFieldsType()).isEqualTo("FieldsV1");
        assertThat(cj.getTime()).isNotNull();
        assertThat(clientJavaData(cj)).containsExactly("f:k");

        Applied updated = clientJavaApply("cj-applied", yaml("cj-applied", "v2"), "cj", true);
        assertThat(updated.object().getData()).containsExactly(Map.entry("k", "v2"));
        assertThat(updated.object().getMetadata().getResourceVersion())
                .isNotEqualTo(created.object().getMetadata().getResourceVersion());
        assertThat(updated.managedFields()).extracting(V1ManagedFieldsEntry::getManager).containsExactly("cj");

        ApiException conflict = assertThrows(ApiException.class,
                () -> clientJavaApply("cj-applied", yaml("cj-applied", "theirs"), "cj-other", false));
        assertThat(conflict.getCode()).isEqualTo(409);
        JsonNode status = Json.MAPPER.readTree(conflict.getResponseBody());
        assertThat(status.path("reason").asString()).isEqualTo("Conflict");
        assertThat(status.path("message").asString())
                .isEqualTo("Apply failed with 1 conflict: conflict with \"cj\": .data.k");
        assertThat(core.readNamespacedConfigMap("cj-applied", NS).execute().getData()).containsEntry("k", "v2");

        Applied taken = clientJavaApply("cj-applied", yaml("cj-applied", "theirs"), "cj-other", true);
        assertThat(taken.object().getData()).containsExactly(Map.entry("k", "theirs"));
        assertThat(clientJavaData(taken.entry("cj-other"))).containsExactly("f:k");
        assertThat(taken.entry("cj")).as("cj owned nothing else and is gone").isNull();
    }
}
