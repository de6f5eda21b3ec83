package dev.kapi.apiserver.endpoints.openapi;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.endpoints.discovery.TestResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Decodes the gnostic protobuf of {@code /openapi/v2} with protobuf-java's schema-less {@link UnknownFieldSet}
 * and checks field numbers against openapiv2/OpenAPIv2.proto (numbers written literally here, on purpose).
 */
class SwaggerProtobufTest {

    private static final OpenApiHandler HANDLER = new OpenApiHandler(TestResources.registry());
    private static final UnknownFieldSet DOC = parse(ByteString.copyFrom(
            new SwaggerDocument(TestResources.registry()).bytes().protobuf()));

    @Test
    void documentHeader() {
        assertThat(string(DOC, 1)).isEqualTo("2.0");               // Document.swagger
        UnknownFieldSet info = message(DOC, 2);                    // Document.info
        assertThat(string(info, 1)).isEqualTo("Kubernetes");       // Info.title
        assertThat(string(info, 2)).isEqualTo("v1.32.0");          // Info.version
    }

    @Test
    void deploymentDefinition() {
        UnknownFieldSet deployment = definition("io.k8s.api.apps.v1.Deployment");
        assertThat(strings(message(deployment, 22), 1)).containsExactly("object");   // Schema.type → TypeItem.value
        UnknownFieldSet spec = named(message(deployment, 25), 1, "spec");            // Schema.properties
        assertThat(string(spec, 1)).isEqualTo("#/definitions/io.k8s.api.apps.v1.DeploymentSpec"); // Schema._ref
        JsonNode gvk = Json.MAPPER.readTree(extension(deployment, 31, "x-kubernetes-group-version-kind"));
        assertThat(gvk.get(0).get("group").asString()).isEqualTo("apps");
        assertThat(gvk.get(0).get("version").asString()).isEqualTo("v1");
        assertThat(gvk.get(0).get("kind").asString()).isEqualTo("Deployment");
    }

    @Test
    void intOrStringAndMapsAndArrays() {
        UnknownFieldSet intOrString = definition("io.k8s.apimachinery.pkg.util.intstr.IntOrString");
        assertThat(strings(message(intOrString, 22), 1)).containsExactly("string");
        assertThat(string(intOrString, 2)).isEqualTo("int-or-string");              // Schema.format
        UnknownFieldSet props = message(definition("io.k8s.api.core.v1.Container"), 25);
        UnknownFieldSet env = named(props, 1, "env");
        UnknownFieldSet item = parse(message(env, 23).getField(1).getLengthDelimitedList().getFirst()); // ItemsItem.schema
        assertThat(string(item, 1)).isEqualTo("#/definitions/io.k8s.api.core.v1.EnvVar");
        assertThat(extension(env, 31, "x-kubernetes-patch-merge-key")).isEqualTo("\"name\"");
        UnknownFieldSet limits = named(message(definition("io.k8s.api.core.v1.ResourceRequirements"), 25), 1, "limits");
        UnknownFieldSet values = message(message(limits, 21), 1);                    // AdditionalPropertiesItem.schema
        assertThat(string(values, 1)).isEqualTo("#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity");
    }

    @Test
    void patchOperationHasFieldValidationAndKind() {
        UnknownFieldSet paths = message(DOC, 8);                                     // Document.paths
        UnknownFieldSet item = named(paths, 2, "/apis/apps/v1/namespaces/{namespace}/deployments/{name}");
        UnknownFieldSet patch = message(item, 8);                                    // PathItem.patch
        assertThat(string(patch, 5)).isEqualTo("patchAppsV1NamespacedDeployment");  // Operation.operation_id
        List<UnknownFieldSet> params = patch.getField(8).getLengthDelimitedList().stream()
                .map(p -> message(parse(p), 1)).toList();                            // ParametersItem.parameter
        UnknownFieldSet body = message(params.getFirst(), 1);                        // Parameter.body_parameter
        assertThat(string(body, 3)).isEqualTo("body");                               // BodyParameter.in
        assertThat(string(message(body, 5), 1)).isEqualTo("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
        List<String> queryNames = params.stream().skip(1)
                .map(p -> message(message(p, 2), 3))                                 // NonBodyParameter.query_parameter_sub_schema
                .map(q -> string(q, 4)).toList();                                    // QueryParameterSubSchema.name
        assertThat(queryNames).contains("fieldValidation", "fieldManager", "force");
        assertThat(extension(patch, 13, "x-kubernetes-action")).isEqualTo("\"patch\"");
        JsonNode gvk = Json.MAPPER.readTree(extension(patch, 13, "x-kubernetes-group-version-kind"));
        assertThat(gvk.get("kind").asString()).isEqualTo("Deployment");
        UnknownFieldSet pathParam = message(message(parse(item.getField(9).getLengthDelimitedList().getFirst()), 1), 2);
        UnknownFieldSet name = message(pathParam, 4);                                // NonBodyParameter.path_parameter_sub_schema
        assertThat(string(name, 4)).isEqualTo("name");
        assertThat(name.getField(1).getVarintList()).containsExactly(1L);            // PathParameterSubSchema.required
    }

    @Test
    void unknownKeysFailInsteadOfBeingDropped() {
        JsonNode doc = Json.MAPPER.readTree("""
                {"swagger":"2.0","info":{"title":"t","version":"v"},"paths":{},
                 "definitions":{"X":{"oneOf":[{"type":"string"}]}}}""");
        assertThatThrownBy(() -> SwaggerProtobuf.encode(doc)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("oneOf");
    }

    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {
            "none, 200, application/json",
            "application/json, 200, application/json",
            "*/*, 200, application/json",
            "'application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 200, application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
            "'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 200, application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
            "'application/com.github.proto-openapi.spec.v2@v1.0+protobuf, application/json', 200, application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
            "'text/html, application/json', 200, application/json",
            "text/html, 406, application/json"})
    void negotiation(String accept, int status, String contentType) throws Exception {
        MockHttpServletResponse res = TestResources.get(HANDLER, "/openapi/v2", accept);
        assertThat(res.getStatus()).isEqualTo(status);
        assertThat(res.getContentType()).isEqualTo(contentType);
        if (status == 200) {
            assertThat(res.getHeader("ETag")).startsWith("\"");
            byte[] body = res.getContentAsByteArray();
            assertThat(body).isEqualTo(contentType.endsWith("protobuf")
                    ? new SwaggerDocument(TestResources.registry()).bytes().protobuf()
                    : new SwaggerDocument(TestResources.registry()).bytes().json());
        }
    }

    /**
     * A CRD schema's value checks reach the protobuf with their own field numbers (an enum as Any values), and
     * OpenAPI 3's {@code nullable}, which Swagger 2 lacks, is left out instead of failing the document.
     */
    @Test
    void customResourceValueChecks() {
        var crd = Json.read("""
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"widgets.proto.kapi.dev"},
                 "spec":{"group":"proto.kapi.dev","scope":"Namespaced",
                   "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
                   "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{
                     "type":"object","properties":{"spec":{"type":"object","properties":{
                       "color":{"type":"string","enum":["red","blue"],"pattern":"^[a-z]+$","nullable":true},
                       "size":{"type":"integer","maximum":10,"exclusiveMinimum":true,"minimum":0},
                       "tags":{"type":"array","maxItems":3,"items":{"type":"string","maxLength":8}}}}}}}}]}}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
        new dev.kapi.apiserver.registry.apiextensions.CrdStrategy().prepareForCreate(crd);
        crd.getStatus().setAcceptedNames(crd.getSpec().getNames());
        dev.kapi.apiserver.registry.apiextensions.CrdConditions.set(crd, dev.kapi.apiserver.registry.apiextensions
                .CrdConditions.of("Established", "True", "InitialNamesAccepted", ""));
        var registry = TestResources.registry();
        dev.kapi.apiserver.registry.apiextensions.CustomResources.definitionsOf(crd).forEach(registry::register);
        UnknownFieldSet doc = parse(ByteString.copyFrom(new SwaggerDocument(registry).bytes().protobuf()));
        UnknownFieldSet spec = named(message(named(message(doc, 9), 1, "dev.kapi.proto.v1.Widget"), 25), 1, "spec");
        UnknownFieldSet props = message(spec, 25);
        UnknownFieldSet color = named(props, 1, "color");
        assertThat(color.getField(20).getLengthDelimitedList()).extracting(b -> string(parse(b), 2).trim())
                .containsExactly("\"red\"", "\"blue\"");                          // Schema.enum → Any.yaml (JSON is YAML)
        assertThat(string(color, 13)).isEqualTo("^[a-z]+$");                        // Schema.pattern
        UnknownFieldSet size = named(props, 1, "size");
        assertThat(Double.longBitsToDouble(size.getField(7).getFixed64List().getFirst())).isEqualTo(10.0);
        assertThat(size.getField(10).getVarintList()).containsExactly(1L);         // Schema.exclusive_minimum
        assertThat(named(props, 1, "tags").getField(14).getVarintList()).containsExactly(3L); // Schema.max_items
        assertThat(new SwaggerDocument(registry).bytes().json()).asString(java.nio.charset.StandardCharsets.UTF_8)
                .doesNotContain("nullable").contains("\"enum\":[\"red\",\"blue\"]");
    }

    private static UnknownFieldSet definition(String name) {
        return named(message(DOC, 9), 1, name);                                     // Document.definitions
    }

    /** The value (field 2) of the Named* entry in repeated {@code field} whose name (field 1) is {@code name}. */
    private static UnknownFieldSet named(UnknownFieldSet set, int field, String name) {
        for (ByteString entry : set.getField(field).getLengthDelimitedList()) {
            UnknownFieldSet e = parse(entry);
            if (string(e, 1).equals(name)) {
                return message(e, 2);
            }
        }
        throw new AssertionError("no " + name + " in field " + field);
    }

    /** The YAML text (Any.yaml, field 2) of the vendor extension {@code name}. */
    private static String extension(UnknownFieldSet set, int field, String name) {
        return string(named(set, field, name), 2);
    }

    private static UnknownFieldSet message(UnknownFieldSet set, int field) {
        List<ByteString> values = set.getField(field).getLengthDelimitedList();
        assertThat(values).as("field %d", field).hasSize(1);
        return parse(values.getFirst());
    }

    private static String string(UnknownFieldSet set, int field) {
        return set.getField(field).getLengthDelimitedList().getFirst().toStringUtf8();
    }

    private static List<String> strings(UnknownFieldSet set, int field) {
        return set.getField(field).getLengthDelimitedList().stream().map(ByteString::toStringUtf8).toList();
    }

    private static UnknownFieldSet parse(ByteString bytes) {
        try {
            return UnknownFieldSet.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
