package dev.kapi.apiserver.server.dynamic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;

import java.util.Map;

/**
 * A test-only ConfigMap-like resource ({@code testing.kapi.dev/v1 Widget}, namespaced, {@code data} of
 * strings) that no server serves until a test registers {@link #DEFINITION}, as a custom resource will be.
 */
@JsonDeserialize(using = ValueDeserializer.None.class) // not KubernetesResource's lookup by kind
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"apiVersion", "kind", "metadata", "data"})
public class Widget implements HasMetadata, Namespaced {

    public static final String GROUP = "testing.kapi.dev";
    public static final ResourceDefinition<Widget> DEFINITION =
            ResourceDefinition.builder(GROUP, "v1", "widgets", "Widget", Widget.class).shortNames("wd").build();

    private String apiVersion = GROUP + "/v1";
    private String kind = "Widget";
    private ObjectMeta metadata;
    private Map<String, String> data;

    @Override
    public String getApiVersion() {
        return apiVersion;
    }

    @Override
    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion;
    }

    @Override
    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    @Override
    public ObjectMeta getMetadata() {
        return metadata;
    }

    @Override
    public void setMetadata(ObjectMeta metadata) {
        this.metadata = metadata;
    }

    public Map<String, String> getData() {
        return data;
    }

    public void setData(Map<String, String> data) {
        this.data = data;
    }
}
