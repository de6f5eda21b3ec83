package dev.kapi.apiserver.endpoints.discovery;

import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.kapi.apiserver.endpoints.discovery.TestResources.get;
import static dev.kapi.apiserver.endpoints.discovery.TestResources.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Discovery of the built-in resources served at several versions or groups over one storage: autoscaling at v2
 * (preferred) and v1, events.k8s.io/v1 beside core Events; versions that share a storage share its
 * storageVersionHash (the hash of the stored version), as kube-apiserver's do.
 */
class SharedStorageDiscoveryTest {

    private final DiscoveryHandler handler = new DiscoveryHandler(new ResourceRegistry(
            BuiltInResources.all(new RegistryContext(null, "/registry", "10.96.0.0/12", "30000-32767"))));

    @Test
    void autoscalingIsServedAtV2PreferredAndV1() throws Exception {
        JsonNode group = json(get(handler, "/apis/autoscaling", null));
        assertThat(group.get("versions").valueStream().map(v -> v.get("groupVersion").asString()))
                .containsExactly("autoscaling/v2", "autoscaling/v1");
        assertThat(group.at("/preferredVersion/groupVersion").asString()).isEqualTo("autoscaling/v2");
        JsonNode v2 = resource("/apis/autoscaling/v2", "horizontalpodautoscalers");
        JsonNode v1 = resource("/apis/autoscaling/v1", "horizontalpodautoscalers");
        assertThat(v2.at("/shortNames/0").asString()).isEqualTo("hpa");
        assertThat(v2.at("/categories/0").asString()).isEqualTo("all");
        assertThat(v1.get("storageVersionHash")).isEqualTo(v2.get("storageVersionHash"));
        assertThat(v2.get("storageVersionHash").asString())
                .isEqualTo(DiscoveryDocuments.storageVersionHash("autoscaling", "v2", "HorizontalPodAutoscaler"));
    }

    @Test
    void eventsK8sIoSharesTheCoreEventsStorage() throws Exception {
        JsonNode events = resource("/apis/events.k8s.io/v1", "events");
        JsonNode core = resource("/api/v1", "events");
        assertThat(events.get("kind").asString()).isEqualTo("Event");
        assertThat(events.get("storageVersionHash")).isEqualTo(core.get("storageVersionHash"));
        assertThat(json(get(handler, "/apis/events.k8s.io", null)).at("/preferredVersion/groupVersion").asString())
                .isEqualTo("events.k8s.io/v1");
    }

    private JsonNode resource(String path, String name) throws Exception {
        return json(get(handler, path, null)).get("resources").valueStream()
                .filter(r -> r.get("name").asString().equals(name)).findFirst().orElseThrow();
    }
}
