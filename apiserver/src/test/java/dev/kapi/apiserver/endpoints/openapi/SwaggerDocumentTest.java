package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.endpoints.discovery.TestResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Swagger 2.0 JSON document of {@code /openapi/v2}, built from the test registry. */
class SwaggerDocumentTest {

    private static final JsonNode DOC = new SwaggerDocument(TestResources.registry()).generate();
    private static final String DEPLOYMENT_ITEM = "/apis/apps/v1/namespaces/{namespace}/deployments/{name}";

    @Test
    void headerAndSecurity() {
        assertThat(DOC.get("swagger").asString()).isEqualTo("2.0");
        assertThat(DOC.get("info").get("title").asString()).isEqualTo("Kubernetes");
        assertThat(DOC.get("info").get("version").asString()).isEqualTo("v1.32.0");
        assertThat(DOC.get("securityDefinitions").get("BearerToken").get("in").asString()).isEqualTo("header");
    }

    @Test
    void noV3ConstructLeft() {
        String text = Json.MAPPER.writeValueAsString(DOC);
        assertThat(text).doesNotContain("#/components/", "\"oneOf\"", "\"requestBody\"", "\"content\"");
    }

    @ParameterizedTest
    @CsvSource({
            "io.k8s.api.apps.v1.Deployment, apps, v1, Deployment",
            "io.k8s.api.apps.v1.DeploymentList, apps, v1, DeploymentList",
            "io.k8s.api.core.v1.Pod, '', v1, Pod",
            "io.k8s.api.autoscaling.v1.Scale, autoscaling, v1, Scale"})
    void kindDefinitionsCarryTheirGroupVersionKind(String name, String group, String version, String kind) {
        JsonNode gvk = DOC.get("definitions").get(name).get("x-kubernetes-group-version-kind");
        assertThat(gvk.isArray()).isTrue();
        assertThat(gvk.get(0).get("group").asString()).isEqualTo(group);
        assertThat(gvk.get(0).get("version").asString()).isEqualTo(version);
        assertThat(gvk.get(0).get("kind").asString()).isEqualTo(kind);
    }

    @ParameterizedTest
    @CsvSource({
            "io.k8s.apimachinery.pkg.util.intstr.IntOrString, string, int-or-string",
            "io.k8s.apimachinery.pkg.api.resource.Quantity, string, ''"})
    void specialTypesAreSwagger2Strings(String name, String type, String format) {
        JsonNode d = DOC.get("definitions").get(name);
        assertThat(d.get("type").asString()).isEqualTo(type);
        assertThat(d.path("format").asString("")).isEqualTo(format);
    }

    @Test
    void referencesPointToDefinitionsThatExist() {
        JsonNode spec = DOC.get("definitions").get("io.k8s.api.apps.v1.Deployment").get("properties").get("spec");
        assertThat(spec.get("$ref").asString()).isEqualTo("#/definitions/io.k8s.api.apps.v1.DeploymentSpec");
        List<JsonNode> refs = DOC.findValues("$ref");
        assertThat(refs).hasSizeGreaterThan(50).allSatisfy(ref -> assertThat(DOC.get("definitions")
                .has(ref.asString().substring(SwaggerSchemas.REF_PREFIX.length()))).isTrue());
    }

    @ParameterizedTest
    @CsvSource({
            "io.k8s.api.core.v1.PodSpec, containers, merge, name",
            "io.k8s.api.core.v1.PodSpec, volumes, 'merge,retainKeys', name",
            "io.k8s.api.core.v1.Container, env, merge, name",
            "io.k8s.api.core.v1.Container, ports, merge, containerPort",
            "io.k8s.api.apps.v1.DeploymentSpec, strategy, retainKeys, ''"})
    void patchStrategiesOnProperties(String definition, String property, String strategy, String mergeKey) {
        JsonNode p = DOC.get("definitions").get(definition).get("properties").get(property);
        assertThat(p.get("x-kubernetes-patch-strategy").asString()).isEqualTo(strategy);
        assertThat(p.path("x-kubernetes-patch-merge-key").asString("")).isEqualTo(mergeKey);
    }

    @Test
    void patchOperationInV2Form() {
        JsonNode item = DOC.get("paths").get(DEPLOYMENT_ITEM);
        assertThat(item.get("parameters").valueStream().map(p -> p.get("name").asString() + ":" + p.get("in").asString()))
                .containsExactly("name:path", "namespace:path", "pretty:query");
        JsonNode patch = item.get("patch");
        assertThat(patch.get("operationId").asString()).isEqualTo("patchAppsV1NamespacedDeployment");
        assertThat(patch.get("x-kubernetes-action").asString()).isEqualTo("patch");
        assertThat(patch.get("x-kubernetes-group-version-kind").get("kind").asString()).isEqualTo("Deployment");
        assertThat(TestResources.strings(patch.get("consumes"))).contains("application/merge-patch+json");
        JsonNode body = patch.get("parameters").get(0);
        assertThat(body.get("in").asString()).isEqualTo("body");
        assertThat(body.get("schema").get("$ref").asString())
                .isEqualTo("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
        assertThat(patch.get("parameters").valueStream()
                .filter(p -> p.get("in").asString().equals("query")).map(p -> p.get("name").asString()))
                .contains("fieldValidation", "fieldManager", "dryRun", "force");
        assertThat(patch.get("parameters").get(3).get("type").asString()).isEqualTo("string");
        assertThat(patch.get("responses").get("200").get("schema").get("$ref").asString())
                .isEqualTo("#/definitions/io.k8s.api.apps.v1.Deployment");
        assertThat(patch.get("responses").get("401").has("schema")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "/api/v1/namespaces/{namespace}/pods, get, listCoreV1NamespacedPod, list, '*/*'",
            "/api/v1/namespaces/{namespace}/pods, post, createCoreV1NamespacedPod, post, '*/*'",
            "/api/v1/pods, get, listCoreV1PodForAllNamespaces, list, '*/*'",
            "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale, put, replaceAppsV1NamespacedDeploymentScale, put, '*/*'"})
    void operations(String path, String method, String id, String action, String consumes) {
        JsonNode op = DOC.get("paths").get(path).get(method);
        assertThat(op.get("operationId").asString()).isEqualTo(id);
        assertThat(op.get("x-kubernetes-action").asString()).isEqualTo(action);
        assertThat(TestResources.strings(op.get("consumes"))).containsExactly(consumes);
        assertThat(TestResources.strings(op.get("schemes"))).containsExactly("https");
    }
}
