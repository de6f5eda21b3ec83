package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.endpoints.patch.PatchType;
import dev.kapi.apiserver.endpoints.patch.Patches;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Status a body of wrong value types gets, in kube's words: 400 {@code <Kind> in version "v1" cannot be
 * handled as a <Kind>: <Go's error>} for JSON and YAML bodies, 422 on the field {@code patch} for the result
 * of a patch.
 */
class ObjectDecoderErrorsTest {

    static final String WRAP = "Deployment in version \"v1\" cannot be handled as a Deployment: ";
    static final String REPLICAS = "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas "
            + "of type int32";

    static List<ObjectDecoderTest.Case> cases() {
        return List.of(
                deployment("json", "application/json",
                        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{\"replicas\":\"three\"}}"),
                deployment("json without type meta", "application/json", "{\"spec\":{\"replicas\":\"three\"}}"),
                deployment("yaml", "application/yaml", "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: three\n"),
                deployment("yaml quoted number", "application/yaml", "spec:\n  replicas: \"3\"\n"));
    }

    static ObjectDecoderTest.Case deployment(String name, String contentType, String body) {
        return new ObjectDecoderTest.Case(name, "deployments", "", contentType, body);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void wrongTypeIsA400NamingTheField(ObjectDecoderTest.Case c) {
        ObjectDecoderTest.Outcome o = ObjectDecoderTest.outcome(c, ObjectDecoder::readObject);
        assertThat(o.code()).isEqualTo(400);
        assertThat(o.message()).isEqualTo(WRAP + REPLICAS);
    }

    /** Found by ObjectDecoderFuzzTest: an apiVersion or kind that is not a string was a 500 (JsonNodeException). */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "{\"apiVersion\":{\"spec\":1}}", "{\"kind\":[\"Deployment\"]}", "{\"kind\":true}",
            "apiVersion:\n  spec:\n    containers: x\nkind: Deployment\n"})
    void typeMetaThatIsNotAStringIsA400(String body) {
        ObjectDecoderTest.Outcome o = ObjectDecoderTest.outcome(deployment(body, body.startsWith("{")
                ? "application/json" : "application/yaml", body), ObjectDecoder::readObject);
        assertThat(o.code()).as(o.toString()).isEqualTo(400);
        assertThat(o.message()).startsWith("the object provided is unrecognized (must be of type Deployment): "
                + "couldn't get version/kind; json parse error: json: cannot unmarshal ");
    }

    @Test
    void malformedCreationTimestampIsA400() {
        ObjectDecoderTest.Outcome o = ObjectDecoderTest.outcome(ObjectDecoderTest.cm("bad time", "",
                "{\"metadata\":{\"name\":\"a\",\"creationTimestamp\":\"2024-02-30T00:00:00Z\"}}"), ObjectDecoder::readObject);
        assertThat(o.code()).isEqualTo(400);
        assertThat(o.message()).isEqualTo("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: "
                + "parsing time \"2024-02-30T00:00:00Z\": day out of range");
    }

    @Test
    void patchProducingAWrongTypeIsA422OnPatch() {
        Deployment current = new DeploymentBuilder().withNewMetadata().withName("d").endMetadata()
                .withNewSpec().withReplicas(1).endSpec().build();
        byte[] patch = "{\"spec\":{\"replicas\":\"three\"}}".getBytes(StandardCharsets.UTF_8);
        ObjectDecoderTest.Case c = deployment("patch", "application/merge-patch+json", "{}");
        ObjectDecoderTest.Outcome o = ObjectDecoderTest.outcome(c, scope -> {
            JsonNode patched = Patches.apply(PatchType.MERGE, Json.tree(current), patch,
                    BuiltInSchemas.of(Deployment.class));
            return ObjectDecoder.decodePatched(scope, patched, PatchType.MERGE, patch, Deployment.class);
        });
        assertThat(o.code()).isEqualTo(422);
        // the patched object as kube's JSON of the current one gives it: Go's zero structs and null times included
        assertThat(o.message()).isEqualTo(" \"\" is invalid: patch: Invalid value: \"{\\\"apiVersion\\\":\\\"apps/v1\\\","
                + "\\\"kind\\\":\\\"Deployment\\\",\\\"metadata\\\":{\\\"creationTimestamp\\\":null,\\\"name\\\":"
                + "\\\"d\\\"},\\\"spec\\\":{\\\"replicas\\\":\\\"three\\\",\\\"strategy\\\":{},\\\"template\\\":"
                + "{\\\"metadata\\\":{\\\"creationTimestamp\\\":null},\\\"spec\\\":{}}},\\\"status\\\":{}}\": "
                + REPLICAS);
    }

    @Test
    void patchProducingANonObjectIsA400() {
        ObjectDecoderTest.Outcome o = ObjectDecoderTest.outcome(deployment("p", "application/json", "{}"),
                scope -> ObjectDecoder.decodePatched(scope, Json.MAPPER.readTree("5"), PatchType.MERGE, new byte[0],
                        HasMetadata.class));
        assertThat(o.code()).isEqualTo(400);
        assertThat(o.message()).isEqualTo("the patch must produce a JSON object");
    }
}
