package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.api.schema.SchemaBuilder;
import dev.kapi.apiserver.endpoints.patch.PatchType;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Decoding and patching read the schema the resource's definition holds ({@link ResourceDefinition#schema()}),
 * not one of their own: a definition with another schema (as a custom resource will have) changes what is
 * an unknown field and how lists merge.
 */
class ResourceSchemaTest {

    private static final String BODY = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"},"
            + "\"foo\":1}";

    @Test
    void unknownFieldsAreThoseOfTheDefinitionsSchema() throws Exception {
        SchemaBuilder preserving = SchemaBuilder.node().type("object").preserveUnknownFields();
        BuiltInSchemas.of(ConfigMap.class).properties().forEach(preserving::property);
        ResourceDefinition<ConfigMap> builtIn =
                ResourceDefinition.builder("", "v1", "configmaps", "ConfigMap", ConfigMap.class).build();
        ResourceDefinition<ConfigMap> custom = ResourceDefinition.builder("", "v1", "configmaps", "ConfigMap",
                ConfigMap.class).schema(preserving.build()).build();

        assertThat(builtIn.schema()).isSameAs(BuiltInSchemas.of(ConfigMap.class));
        assertThatThrownBy(() -> ObjectDecoder.readObject(scope(builtIn, "POST", BODY)))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.status().getMessage())
                        .isEqualTo("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: "
                                + "strict decoding error: unknown field \"foo\""));
        ConfigMap decoded = (ConfigMap) ObjectDecoder.readObject(scope(custom, "POST", BODY));
        assertThat(decoded.getAdditionalProperties()).containsEntry("foo", 1);
    }

    @Test
    void strategicMergeFollowsTheDefinitionsSchema() {
        Schema plainList = SchemaBuilder.node().type("array").items(BuiltInSchemas.kind("", "v1", "Container")).build();
        Schema spec = SchemaBuilder.node().type("object").property("containers", plainList).build();
        Schema pod = SchemaBuilder.node().type("object").property("metadata", BuiltInSchemas.meta("ObjectMeta"))
                .property("spec", spec).build();
        ResourceDefinition<Pod> builtIn = ResourceDefinition.builder("", "v1", "pods", "Pod", Pod.class).build();
        ResourceDefinition<Pod> custom = ResourceDefinition.builder("", "v1", "pods", "Pod", Pod.class)
                .schema(pod).build();
        Pod current = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec()
                .addNewContainer().withName("a").withImage("i").endContainer().endSpec().build();
        String patch = "{\"spec\":{\"containers\":[{\"name\":\"b\",\"image\":\"j\"}]}}";

        Pod merged = (Pod) PatchHandler.applyPatch(scope(builtIn, "PATCH", patch), PatchType.STRATEGIC,
                patch.getBytes(StandardCharsets.UTF_8), current);
        Pod replaced = (Pod) PatchHandler.applyPatch(scope(custom, "PATCH", patch), PatchType.STRATEGIC,
                patch.getBytes(StandardCharsets.UTF_8), current);

        assertThat(merged.getSpec().getContainers()).extracting("name").containsExactly("b", "a");
        assertThat(replaced.getSpec().getContainers()).extracting("name").containsExactly("b");
    }

    @SuppressWarnings("unchecked")
    private static RequestScope scope(ResourceDefinition<?> d, String method, String body) {
        String path = "/api/v1/namespaces/ns/" + d.resource() + (method.equals("POST") ? "" : "/p");
        MockHttpServletRequest req = new MockHttpServletRequest(method, path);
        req.setParameter("fieldValidation", "Strict");
        req.setContentType(method.equals("POST") ? "application/json" : PatchType.STRATEGIC.mediaType());
        req.setContent(body.getBytes(StandardCharsets.UTF_8));
        return new RequestScope(RequestInfoResolver.resolve(method, path, null, null),
                (ResourceDefinition<HasMetadata>) d, null, null, null, req, new MockHttpServletResponse());
    }
}
