package dev.kapi.apiserver.endpoints.discovery;

import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static dev.kapi.apiserver.endpoints.discovery.TestResources.get;
import static dev.kapi.apiserver.endpoints.discovery.TestResources.json;
import static dev.kapi.apiserver.endpoints.discovery.TestResources.strings;
import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryHandlerTest {

    private static final String V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private static final String V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    private final DiscoveryHandler handler = new DiscoveryHandler(TestResources.registry());

    @ParameterizedTest
    @CsvSource({
            "GET, /api, true", "GET, /api/, true", "GET, /api/v1, true", "HEAD, /apis, true",
            "GET, /apis/apps, true", "GET, /apis/apps/v1, true", "GET, /apis/unknown/v1, true",
            "GET, /api/v1/pods, false", "GET, /apis/apps/v1/deployments, false", "POST, /api, false",
            "GET, /version, false", "GET, /openapi/v3, false", "GET, /apiz, false"})
    void matchesDiscoveryPathsOnly(String method, String path, boolean expected) {
        assertThat(handler.matches(method, path)).isEqualTo(expected);
    }

    @Test
    void apiListsCoreVersionsAndTheServerAddress() throws Exception {
        JsonNode body = json(get(handler, "/api", null));
        assertThat(body.get("kind").asString()).isEqualTo("APIVersions");
        assertThat(strings(body.get("versions"))).containsExactly("v1");
        JsonNode cidr = body.get("serverAddressByClientCIDRs").get(0);
        assertThat(cidr.get("clientCIDR").asString()).isEqualTo("0.0.0.0/0");
        assertThat(cidr.get("serverAddress").asString()).isEqualTo("10.0.0.1:6443");
    }

    @Test
    void apisListsNamedGroupsWithPreferredVersionFirst() throws Exception {
        JsonNode body = json(get(handler, "/apis", "application/json"));
        assertThat(body.get("kind").asString()).isEqualTo("APIGroupList");
        assertThat(body.get("groups").valueStream().map(g -> g.get("name").asString()))
                .containsExactly("apps", "autoscaling");
        JsonNode autoscaling = body.get("groups").get(1);
        assertThat(autoscaling.get("versions").valueStream().map(v -> v.get("groupVersion").asString()))
                .containsExactly("autoscaling/v2", "autoscaling/v1");
        assertThat(autoscaling.get("preferredVersion").get("version").asString()).isEqualTo("v2");
    }

    @Test
    void groupDocument() throws Exception {
        JsonNode body = json(get(handler, "/apis/apps", null));
        assertThat(body.get("kind").asString()).isEqualTo("APIGroup");
        assertThat(body.get("name").asString()).isEqualTo("apps");
        assertThat(body.get("preferredVersion").get("groupVersion").asString()).isEqualTo("apps/v1");
    }

    @ParameterizedTest
    @CsvSource({"/apis/unknown", "/apis/unknown/v1", "/apis/apps/v9", "/api/v2"})
    void unknownGroupOrVersionIsNotFound(String path) throws Exception {
        MockHttpServletResponse res = get(handler, path, null);
        assertThat(res.getStatus()).isEqualTo(404);
        JsonNode body = json(res);
        assertThat(body.get("kind").asString()).isEqualTo("Status");
        assertThat(body.get("reason").asString()).isEqualTo("NotFound");
    }

    @Test
    void coreResourceListHasResourcesAndSubresources() throws Exception {
        JsonNode body = json(get(handler, "/api/v1", null));
        assertThat(body.get("kind").asString()).isEqualTo("APIResourceList");
        assertThat(body.get("groupVersion").asString()).isEqualTo("v1");
        assertThat(body.get("resources").valueStream().map(r -> r.get("name").asString())).containsExactly(
                "configmaps", "namespaces", "namespaces/status", "pods", "pods/eviction", "pods/status");

        JsonNode pods = resource(body, "pods");
        assertThat(pods.get("singularName").asString()).isEqualTo("pod");
        assertThat(pods.get("namespaced").asBoolean()).isTrue();
        assertThat(pods.get("kind").asString()).isEqualTo("Pod");
        assertThat(strings(pods.get("verbs"))).containsExactly(
                "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
        assertThat(strings(pods.get("shortNames"))).containsExactly("po");
        assertThat(strings(pods.get("categories"))).containsExactly("all");
        assertThat(pods.get("storageVersionHash").asString())
                .isEqualTo(DiscoveryDocuments.storageVersionHash("", "v1", "Pod")).hasSize(12);

        assertThat(resource(body, "namespaces").get("namespaced").asBoolean()).isFalse();
        assertThat(resource(body, "configmaps").has("categories")).isFalse();

        JsonNode status = resource(body, "pods/status");
        assertThat(status.get("kind").asString()).isEqualTo("Pod");
        assertThat(status.has("group")).isFalse();
        assertThat(strings(status.get("verbs"))).containsExactly("get", "patch", "update");

        JsonNode eviction = resource(body, "pods/eviction");
        assertThat(eviction.get("group").asString()).isEqualTo("policy");
        assertThat(eviction.get("version").asString()).isEqualTo("v1");
        assertThat(eviction.get("kind").asString()).isEqualTo("Eviction");
        assertThat(strings(eviction.get("verbs"))).containsExactly("create");
    }

    @Test
    void scaleSubresourceIsAutoscalingV1Scale() throws Exception {
        JsonNode body = json(get(handler, "/apis/apps/v1", null));
        assertThat(body.get("groupVersion").asString()).isEqualTo("apps/v1");
        JsonNode scale = resource(body, "deployments/scale");
        assertThat(List.of(scale.get("group").asString(), scale.get("version").asString(), scale.get("kind").asString()))
                .containsExactly("autoscaling", "v1", "Scale");
        assertThat(strings(scale.get("verbs"))).containsExactly("get", "patch", "update");
    }

    @Test
    void storageVersionHashIsStableAndPerKind() {
        assertThat(DiscoveryDocuments.storageVersionHash("apps", "v1", "Deployment"))
                .isEqualTo(DiscoveryDocuments.storageVersionHash("apps", "v1", "Deployment"))
                .isNotEqualTo(DiscoveryDocuments.storageVersionHash("apps", "v1", "StatefulSet"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            V2 + "|v2",
            V2BETA1 + "|v2beta1",
            V2 + "," + V2BETA1 + ",application/json|v2",
            V2BETA1 + ",application/json|v2beta1",
            "application/json," + V2 + "|",
            "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json|",
            "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json|",
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json|"})
    void aggregatedDiscoveryIsChosenFromAccept(String accept, String expectedVersion) {
        assertThat(DiscoveryHandler.aggregatedVersion(accept).orElse(null)).isEqualTo(expectedVersion);
    }

    @ParameterizedTest
    @CsvSource({"v2", "v2beta1"})
    void aggregatedApisHasGroupsVersionsResourcesAndExactContentType(String version) throws Exception {
        String accept = "application/json;g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList,application/json";
        MockHttpServletResponse res = get(handler, "/apis", accept);
        assertThat(res.getStatus()).isEqualTo(200);
        assertThat(res.getContentType())
                .isEqualTo("application/json;g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList");
        JsonNode body = json(res);
        assertThat(body.get("kind").asString()).isEqualTo("APIGroupDiscoveryList");
        assertThat(body.get("apiVersion").asString()).isEqualTo("apidiscovery.k8s.io/" + version);
        assertThat(body.get("items").valueStream().map(i -> i.get("metadata").get("name").asString()))
                .containsExactly("apps", "autoscaling");
        JsonNode apps = body.get("items").get(0).get("versions").get(0);
        assertThat(apps.get("version").asString()).isEqualTo("v1");
        assertThat(apps.get("freshness").asString()).isEqualTo("Current");
        JsonNode deployments = apps.get("resources").get(0);
        assertThat(deployments.get("resource").asString()).isEqualTo("deployments");
        assertThat(deployments.get("responseKind").toString())
                .isEqualTo("{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"}");
        assertThat(deployments.get("scope").asString()).isEqualTo("Namespaced");
        assertThat(deployments.get("singularResource").asString()).isEqualTo("deployment");
        assertThat(strings(deployments.get("shortNames"))).containsExactly("deploy");
        assertThat(strings(deployments.get("categories"))).containsExactly("all");
        assertThat(deployments.get("verbs").size()).isEqualTo(8);
        JsonNode scale = deployments.get("subresources").get(0);
        assertThat(scale.get("subresource").asString()).isEqualTo("scale");
        assertThat(scale.get("responseKind").toString())
                .isEqualTo("{\"group\":\"autoscaling\",\"version\":\"v1\",\"kind\":\"Scale\"}");
        assertThat(strings(scale.get("verbs"))).containsExactly("get", "patch", "update");
        assertThat(body.get("items").get(1).get("versions").valueStream().map(v -> v.get("version").asString()))
                .containsExactly("v2", "v1");
    }

    @Test
    void aggregatedDiscoveryCarriesKubesETagAndAnswers304ForIt() throws Exception {
        MockHttpServletResponse first = get(handler, "/apis", V2);
        String etag = first.getHeader("ETag");
        assertThat(etag).matches("\"[0-9A-F]{128}\"");
        assertThat(first.getHeader("Cache-Control")).isEqualTo("public");
        assertThat(get(handler, "/apis", V2).getHeader("ETag")).isEqualTo(etag);
        assertThat(get(handler, "/api", V2).getHeader("ETag")).isNotEqualTo(etag);

        MockHttpServletRequest again = new MockHttpServletRequest("GET", "/apis");
        again.addHeader("Accept", V2);
        again.addHeader("If-None-Match", etag);
        MockHttpServletResponse cached = new MockHttpServletResponse();
        handler.handle("/apis", again, cached);
        assertThat(cached.getStatus()).isEqualTo(304);
        assertThat(cached.getContentAsByteArray()).isEmpty();
        assertThat(cached.getHeader("ETag")).isEqualTo(etag);
    }

    @Test
    void aggregatedApiHasOnlyTheCoreGroup() throws Exception {
        MockHttpServletResponse res = get(handler, "/api", V2);
        JsonNode body = json(res);
        assertThat(body.get("items")).hasSize(1);
        JsonNode core = body.get("items").get(0);
        assertThat(core.get("metadata").has("name")).isFalse();
        JsonNode v1 = core.get("versions").get(0);
        assertThat(v1.get("version").asString()).isEqualTo("v1");
        JsonNode namespaces = v1.get("resources").valueStream()
                .filter(r -> r.get("resource").asString().equals("namespaces")).findFirst().orElseThrow();
        assertThat(namespaces.get("scope").asString()).isEqualTo("Cluster");
        assertThat(namespaces.get("responseKind").get("group").asString()).isEmpty();
        JsonNode pods = v1.get("resources").valueStream()
                .filter(r -> r.get("resource").asString().equals("pods")).findFirst().orElseThrow();
        assertThat(pods.get("subresources").valueStream().map(s -> s.get("subresource").asString()))
                .containsExactly("eviction", "status");
        assertThat(pods.get("subresources").get(0).get("responseKind").toString())
                .isEqualTo("{\"group\":\"policy\",\"version\":\"v1\",\"kind\":\"Eviction\"}");
    }

    @Test
    void protobufOnlyIsNotAcceptable() throws Exception {
        MockHttpServletResponse res = get(handler, "/api/v1", "application/vnd.kubernetes.protobuf");
        assertThat(res.getStatus()).isEqualTo(406);
    }

    @Test
    void yamlWhenPreferred() throws Exception {
        MockHttpServletResponse res = get(handler, "/apis/apps/v1", "application/yaml");
        assertThat(res.getContentType()).startsWith("application/yaml");
        assertThat(res.getContentAsString()).contains("\nkind: APIResourceList\n").doesNotContain("---");
    }

    private static JsonNode resource(JsonNode list, String name) {
        return list.get("resources").valueStream().filter(r -> r.get("name").asString().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name));
    }
    @Test
    void documentsFollowTheRegistryAsItChanges() throws Exception {
        ResourceRegistry registry = TestResources.registry();
        DiscoveryHandler changing = new DiscoveryHandler(registry);
        assertThat(get(changing, "/apis/widgets.example.com/v1", null).getStatus()).isEqualTo(404);

        registry.register(ResourceDefinition.builder("widgets.example.com", "v1", "widgets", "Widget", ConfigMap.class)
                .shortNames("wd").build());

        assertThat(json(get(changing, "/apis", null)).get("groups").valueStream().map(g -> g.get("name").asString()))
                .containsExactly("apps", "autoscaling", "widgets.example.com");
        assertThat(json(get(changing, "/apis/widgets.example.com", null)).get("preferredVersion").get("groupVersion")
                .asString()).isEqualTo("widgets.example.com/v1");
        JsonNode resources = json(get(changing, "/apis/widgets.example.com/v1", null)).get("resources");
        assertThat(resources.get(0).get("name").asString()).isEqualTo("widgets");
        assertThat(strings(resources.get(0).get("shortNames"))).containsExactly("wd");
        JsonNode aggregated = json(get(changing, "/apis", V2)).get("items");
        assertThat(aggregated.valueStream().map(g -> g.get("metadata").get("name").asString()))
                .contains("widgets.example.com");

        registry.unregister("widgets.example.com", "v1", "widgets");

        assertThat(get(changing, "/apis/widgets.example.com/v1", null).getStatus()).isEqualTo(404);
        assertThat(get(changing, "/apis/widgets.example.com", null).getStatus()).isEqualTo(404);
        assertThat(json(get(changing, "/apis", V2)).get("items").valueStream()
                .map(g -> g.get("metadata").get("name").asString())).doesNotContain("widgets.example.com");
    }
}
