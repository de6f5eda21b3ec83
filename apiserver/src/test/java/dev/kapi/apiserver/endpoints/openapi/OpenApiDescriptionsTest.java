package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.endpoints.discovery.TestResources;
import dev.kapi.apiserver.registry.ResourceRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI v3 and v2 documents carry kube 1.32's descriptions of the built-in types and their fields and
 * kube's required fields (what {@code kubectl explain} prints), beside the extensions they had before.
 */
class OpenApiDescriptionsTest {

    private static final ResourceRegistry REGISTRY = TestResources.registry();
    private static final OpenApiDocuments V3 = new OpenApiDocuments(REGISTRY);
    private static final JsonNode V2 = new SwaggerDocument(REGISTRY).generate().get("definitions");

    private static JsonNode v3(String path, String definition) {
        return Json.MAPPER.readTree(V3.document(path).orElseThrow().json())
                .get("components").get("schemas").get(definition);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "apis/apps/v1 | io.k8s.api.apps.v1.Deployment | Deployment enables declarative updates for Pods and ReplicaSets.",
            "apis/apps/v1 | io.k8s.api.apps.v1.DeploymentSpec | DeploymentSpec is the specification of the desired behavior of the Deployment.",
            "apis/apps/v1 | io.k8s.api.apps.v1.DeploymentList | DeploymentList is a list of Deployments.",
            "api/v1 | io.k8s.api.core.v1.ResourceRequirements | ResourceRequirements describes the compute resource requirements.",
            "api/v1 | io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta | ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create."})
    void typesCarryKubesDescription(String path, String definition, String description) {
        assertThat(v3(path, definition).get("description").asString()).isEqualTo(description);
        assertThat(V2.get(definition).get("description").asString()).isEqualTo(description);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "apis/apps/v1 | io.k8s.api.apps.v1.DeploymentSpec | replicas | Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.",
            "api/v1 | io.k8s.api.core.v1.Container | name | Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated.",
            "api/v1 | io.k8s.api.core.v1.ResourceRequirements | limits | Limits describes the maximum amount of compute resources allowed. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"})
    void fieldsCarryKubesDescription(String path, String definition, String field, String description) {
        assertThat(v3(path, definition).get("properties").get(field).get("description").asString()).isEqualTo(description);
        assertThat(V2.get(definition).get("properties").get(field).get("description").asString()).isEqualTo(description);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "apis/apps/v1 | io.k8s.api.apps.v1.DeploymentSpec | selector,template",
            "api/v1 | io.k8s.api.core.v1.Container | name",
            "api/v1 | io.k8s.api.core.v1.PodSpec | containers",
            "api/v1 | io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference | apiVersion,kind,name,uid",
            "apis/apps/v1 | io.k8s.api.apps.v1.DeploymentList | items"})
    void kubesRequiredFields(String path, String definition, String required) {
        assertThat(TestResources.strings(v3(path, definition).get("required"))).containsExactly(required.split(","));
        assertThat(TestResources.strings(V2.get(definition).get("required"))).containsExactly(required.split(","));
    }

    @Test
    void extensionsStayBesideTheDescriptions() {
        JsonNode containers = v3("api/v1", "io.k8s.api.core.v1.PodSpec").get("properties").get("containers");
        assertThat(containers.get("description").asString()).startsWith("List of containers belonging to the pod.");
        assertThat(containers.get("x-kubernetes-list-type").asString()).isEqualTo("map");
        assertThat(TestResources.strings(containers.get("x-kubernetes-list-map-keys"))).containsExactly("name");
        JsonNode v2 = V2.get("io.k8s.api.core.v1.PodSpec").get("properties").get("containers");
        assertThat(v2.get("x-kubernetes-patch-strategy").asString()).isEqualTo("merge");
        assertThat(v2.get("description").asString()).startsWith("List of containers belonging to the pod.");
        assertThat(v3("api/v1", "io.k8s.api.core.v1.Pod").get("x-kubernetes-group-version-kind").get(0)
                .get("kind").asString()).isEqualTo("Pod");
    }

    @Test
    void everyDefinitionClientJavaModelsIsDescribed() {
        int described = 0;
        for (String path : V3.documents().keySet()) {
            JsonNode schemas = Json.MAPPER.readTree(V3.document(path).orElseThrow().json()).get("components").get("schemas");
            for (var e : schemas.properties()) {
                if (e.getValue().has("description")) {
                    described++;
                } else if (e.getKey().startsWith("io.k8s.api.") || e.getKey().startsWith("io.k8s.apimachinery.pkg.apis.")) {
                    // only types kube 1.32 lacks (fabric8 8.0 knows newer ones) or client-java does not model
                    assertThat(KubeDocs.of(e.getKey())).as(e.getKey()).isNull();
                }
            }
        }
        assertThat(described).isGreaterThan(150);
    }
}
