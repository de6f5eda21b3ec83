package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.endpoints.discovery.TestResources;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

import static dev.kapi.apiserver.endpoints.discovery.TestResources.get;
import static dev.kapi.apiserver.endpoints.discovery.TestResources.json;
import static org.assertj.core.api.Assertions.assertThat;

/** OpenAPI v2 and v3 follow the registry: a registered resource is documented at once, an unregistered one gone. */
class OpenApiRegistryChangesTest {

    static final String WIDGETS = "/apis/widgets.example.com/v1/namespaces/{namespace}/widgets";

    final ResourceRegistry registry = TestResources.registry();
    final OpenApiHandler handler = new OpenApiHandler(registry);
    final OpenApiDocuments v3 = new OpenApiDocuments(registry);

    @Test
    void v3IndexAndDocumentsFollowTheRegistry() throws Exception {
        OpenApiDocuments.Document core = v3.document("api/v1").orElseThrow();
        assertThat(get(handler, "/openapi/v3/apis/widgets.example.com/v1", null).getStatus()).isEqualTo(404);

        registry.register(widgets());

        JsonNode index = json(get(handler, "/openapi/v3", null)).get("paths");
        assertThat(index.has("apis/widgets.example.com/v1")).isTrue();
        MockHttpServletResponse doc = get(handler, "/openapi/v3/apis/widgets.example.com/v1", null);
        assertThat(doc.getStatus()).isEqualTo(200);
        assertThat(json(doc).get("paths").has(WIDGETS)).isTrue();
        // group-versions that did not change keep their document, so their hash (and clients' caches) hold
        assertThat(v3.document("api/v1").orElseThrow()).isSameAs(core);
        assertThat(index.get("api/v1").get("serverRelativeURL").asString()).endsWith("?hash=" + core.hash());

        registry.unregister("widgets.example.com", "v1", "widgets");

        assertThat(json(get(handler, "/openapi/v3", null)).get("paths").has("apis/widgets.example.com/v1")).isFalse();
        assertThat(get(handler, "/openapi/v3/apis/widgets.example.com/v1", null).getStatus()).isEqualTo(404);
        assertThat(v3.document("api/v1").orElseThrow()).isSameAs(core);
    }

    @Test
    void aReplacedDefinitionIsDocumentedAgain() {
        registry.register(widgets());
        OpenApiDocuments.Document before = v3.document("apis/widgets.example.com/v1").orElseThrow();

        registry.replace(ResourceDefinition.builder("widgets.example.com", "v1", "widgets", "Widget", ConfigMap.class)
                .clusterScoped().build());

        OpenApiDocuments.Document after = v3.document("apis/widgets.example.com/v1").orElseThrow();
        assertThat(after.hash()).isNotEqualTo(before.hash());
        assertThat(new String(after.json())).contains("/apis/widgets.example.com/v1/widgets/{name}")
                .doesNotContain(WIDGETS);
    }

    @Test
    void v2DocumentAndItsEtagFollowTheRegistry() throws Exception {
        MockHttpServletResponse before = get(handler, "/openapi/v2", "application/json");
        assertThat(json(before).get("paths").has(WIDGETS)).isFalse();

        registry.register(widgets());

        MockHttpServletResponse registered = get(handler, "/openapi/v2", "application/json");
        assertThat(json(registered).get("paths").has(WIDGETS)).isTrue();
        assertThat(json(registered).get("paths").has(WIDGETS + "/{name}")).isTrue();
        assertThat(registered.getHeader("ETag")).isNotEqualTo(before.getHeader("ETag"));

        registry.unregister("widgets.example.com", "v1", "widgets");

        MockHttpServletResponse unregistered = get(handler, "/openapi/v2", "application/json");
        assertThat(json(unregistered).get("paths").has(WIDGETS)).isFalse();
        assertThat(unregistered.getHeader("ETag")).isEqualTo(before.getHeader("ETag"));
    }

    static ResourceDefinition<ConfigMap> widgets() {
        return ResourceDefinition.builder("widgets.example.com", "v1", "widgets", "Widget", ConfigMap.class).build();
    }
}
