package dev.kapi.apiserver.registry.apiextensions.conversion;

import dev.kapi.apiserver.webhook.ServiceUrls;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceConversionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

import static dev.kapi.apiserver.registry.apiextensions.conversion.WebhookConversionTest.widget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Strategy None (and no conversion at all): only apiVersion changes; the versions must be the CRD's. */
class NoneConversionTest {

    static CustomResourceDefinition crd(boolean withNone) {
        CustomResourceDefinitionBuilder b = new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName("widgets.example.com").endMetadata()
                .withNewSpec().withGroup("example.com")
                .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion()
                .addNewVersion().withName("v2").withServed(true).withStorage(false).endVersion()
                .endSpec();
        if (withNone) {
            b.editSpec().withConversion(new CustomResourceConversionBuilder().withStrategy("None").build()).endSpec();
        }
        return b.build();
    }

    @Test
    void onlyTheApiVersionChanges() {
        for (boolean withNone : new boolean[]{true, false}) {
            VersionConverter c = VersionConverters.of(crd(withNone));
            ObjectNode v1 = widget("example.com/v1", "a", "{\"size\":\"3\"}");
            ObjectNode v2 = widget("example.com/v2", "b", "{\"replicas\":2}");
            List<ObjectNode> out = c.convert(List.of(v1, v2), "example.com/v2");
            assertThat(out.get(0).toString()).isEqualTo(widget("example.com/v2", "a", "{\"size\":\"3\"}").toString());
            assertThat(out.get(1)).isSameAs(v2);
            assertThat(v1.path("apiVersion").asString()).isEqualTo("example.com/v1");
            assertThat(c.convert(List.of(), "example.com/v1")).isEmpty();
        }
    }

    @Test
    void versionsOutsideTheCrdAreRefused() {
        VersionConverter c = VersionConverters.of(crd(true));
        assertThatThrownBy(() -> c.convert(List.of(widget("example.com/v1", "a", "{}")), "example.com/v9"))
                .isInstanceOf(ConversionException.class)
                .hasMessage("request to convert CR to an invalid group/version: example.com/v9");
        assertThatThrownBy(() -> c.convert(List.of(widget("example.com/v1", "a", "{}"),
                widget("other.io/v1", "b", "{}")), "example.com/v2"))
                .hasMessage("request to convert CR list failed, list index 1 has invalid group/version: other.io/v1");
    }

    @Test
    void serviceEndpointsAndTimeoutParameter() {
        var cc = new io.fabric8.kubernetes.api.model.apiextensions.v1.WebhookClientConfigBuilder()
                .withNewService().withName("conv").withNamespace("ns").withPath("/convert").endService().build();
        assertThat(WebhookConverter.endpoint(cc, VersionConverters.WEBHOOK_TIMEOUT, ServiceUrls.defaults()))
                .hasToString("https://conv.ns.svc:443/convert?timeout=30s");
        cc.getService().setPort(8443);
        cc.getService().setPath(null);
        assertThat(WebhookConverter.endpoint(cc, java.time.Duration.ofMillis(1500), ServiceUrls.defaults()))
                .hasToString("https://conv.ns.svc:8443?timeout=1.5s");
    }
}
