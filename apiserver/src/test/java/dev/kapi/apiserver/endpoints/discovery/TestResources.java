package dev.kapi.apiserver.endpoints.discovery;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.endpoints.PathHandler;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

import java.util.List;

/** A small registry (core, apps, autoscaling with two versions) and a way to drive a PathHandler. */
public final class TestResources {

    private TestResources() {
    }

    public static ResourceRegistry registry() {
        return new ResourceRegistry(List.of(
                ResourceDefinition.builder("", "v1", "namespaces", "Namespace", Namespace.class)
                        .clusterScoped().shortNames("ns").subresources("status").build(),
                ResourceDefinition.builder("", "v1", "pods", "Pod", Pod.class)
                        .shortNames("po").categories("all").subresources("status", "eviction").build(),
                ResourceDefinition.builder("", "v1", "configmaps", "ConfigMap", ConfigMap.class)
                        .shortNames("cm").build(),
                ResourceDefinition.builder("apps", "v1", "deployments", "Deployment", Deployment.class)
                        .shortNames("deploy").categories("all").subresources("status", "scale").build(),
                ResourceDefinition.builder("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler",
                        io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler.class)
                        .shortNames("hpa").categories("all").subresources("status").build(),
                ResourceDefinition.builder("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler",
                        io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class)
                        .shortNames("hpa").categories("all").subresources("status").build()));
    }

    /** Sends {@code GET path?query} with the Accept header (null for none) to {@code handler}. */
    public static MockHttpServletResponse get(PathHandler handler, String path, String accept, String... params)
            throws Exception {
        MockHttpServletRequest req = new MockHttpServletRequest("GET", path);
        req.setServerName("10.0.0.1");
        req.setServerPort(6443);
        if (accept != null) {
            req.addHeader("Accept", accept);
        }
        for (int i = 0; i + 1 < params.length; i += 2) {
            req.addParameter(params[i], params[i + 1]);
        }
        MockHttpServletResponse res = new MockHttpServletResponse();
        if (!handler.matches("GET", path)) {
            throw new AssertionError(handler + " does not match " + path);
        }
        handler.handle(path, req, res);
        return res;
    }

    public static JsonNode json(MockHttpServletResponse res) {
        return Json.MAPPER.readTree(res.getContentAsByteArray());
    }

    public static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }
}
