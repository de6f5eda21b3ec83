package dev.kapi.apiserver.endpoints;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.endpoints.StrategicMergeProbes.Probe;
import dev.kapi.apiserver.endpoints.decoding.GoJson;
import dev.kapi.apiserver.endpoints.decoding.UnmappedFields;
import dev.kapi.apiserver.endpoints.handlers.ObjectDecoder;
import dev.kapi.apiserver.endpoints.handlers.RequestScope;
import dev.kapi.apiserver.endpoints.handlers.UnknownFields;
import dev.kapi.apiserver.endpoints.openapi.OpenApiDocuments;
import dev.kapi.apiserver.endpoints.openapi.SwaggerDocument;
import dev.kapi.apiserver.endpoints.patch.PatchType;
import dev.kapi.apiserver.endpoints.patch.Patches;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For every built-in resource served, the readers of its schema agree: the OpenAPI documents served
 * (v2 and v3), unknown-field detection as the decoder runs it, strategic merge patch, and the Java type
 * the body is bound to (what Jackson reads and writes). Each check starts from what OpenAPI says and asks
 * the others, so a field, merge key or strategy that one of them knows and another does not fails here.
 */
class SchemaAgreementTest {

    private static final ResourceRegistry REGISTRY = new ResourceRegistry(
            BuiltInResources.all(new RegistryContext(null, "/registry", "10.96.0.0/12", "30000-32767")));
    private static final JsonNode V2 = Json.MAPPER.readTree(new SwaggerDocument(REGISTRY).bytes().json())
            .get("definitions");
    private static final Map<String, OpenApiDocuments.Document> V3 = new OpenApiDocuments(REGISTRY).documents();

    static Stream<Named<ResourceDefinition<?>>> resources() {
        return REGISTRY.all().stream().map(d -> Named.of(d.apiVersion() + " " + d.resource(), d));
    }

    /** The v3 document's schemas of the resource's group-version. */
    private static JsonNode v3Schemas(ResourceDefinition<?> d) {
        String path = d.group().isEmpty() ? "api/" + d.version() : "apis/" + d.group() + "/" + d.version();
        return Json.MAPPER.readTree(V3.get(path).json()).get("components").get("schemas");
    }

    /** The name of the definition tagged with the resource's group, version and kind. */
    private static String kindDefinition(JsonNode schemas, ResourceDefinition<?> d) {
        for (var e : schemas.properties()) {
            for (JsonNode gvk : e.getValue().path("x-kubernetes-group-version-kind")) {
                if (gvk.get("group").asString().equals(d.group()) && gvk.get("version").asString().equals(d.version())
                        && gvk.get("kind").asString().equals(d.kind())) {
                    return e.getKey();
                }
            }
        }
        throw new AssertionError("no definition of " + d.kind());
    }

    @ParameterizedTest
    @MethodSource("resources")
    void everyFieldOpenApiListsIsKnownToTheDecoder(ResourceDefinition<?> d) throws Exception {
        JsonNode schemas = v3Schemas(d);
        ObjectNode sample = OpenApiSamples.of(schemas, kindDefinition(schemas, d), false).object();

        MockHttpServletResponse response = new MockHttpServletResponse();
        ObjectDecoder.readObject(scope(d, "Strict", sample, response));
        assertThat(response.getHeaders("Warning")).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("resources")
    void everyFieldOpenApiDoesNotListIsAnUnknownField(ResourceDefinition<?> d) throws Exception {
        JsonNode schemas = v3Schemas(d);
        OpenApiSamples.Sample sample = OpenApiSamples.of(schemas, kindDefinition(schemas, d), true);

        MockHttpServletResponse response = new MockHttpServletResponse();
        RequestScope scope = scope(d, "Warn", sample.object(), response);
        ObjectDecoder.readObject(scope);
        List<String> warned = response.getHeaders("Warning").stream()
                .map(w -> w.substring(w.indexOf("\\\"") + 2, w.lastIndexOf("\\\""))).toList();
        // kube's strict decoder names the first 100 unknown fields it meets, and its warnings stop at 4,096 characters
        List<String> expected = sample.unknownPaths();
        assertThat(warned).hasSizeBetween(Math.min(30, expected.size()), 100);
        assertThat(expected).containsAll(warned);
        // and all of them are found (fabric8's JSONSchemaProps, with no catch-all map, through what the read recorded)
        UnmappedFields unmapped = new UnmappedFields();
        Object decoded = unmapped.reader(d.type()).readValue(sample.object());
        assertThat(UnknownFields.prune(decoded, d.schema(), unmapped)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest
    @MethodSource("resources")
    void openApiListsTheFieldsTheJavaTypeBinds(ResourceDefinition<?> d) {
        JsonNode schemas = v3Schemas(d);
        List<String> problems = new ArrayList<>();
        compare(GoJson.MAPPER.constructType(d.type()), schemas, kindDefinition(schemas, d), "", new HashSet<>(),
                problems);
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("resources")
    void v2AndV3ListTheSameFields(ResourceDefinition<?> d) {
        JsonNode schemas = v3Schemas(d);
        for (var e : schemas.properties()) {
            JsonNode v2 = V2.get(e.getKey());
            assertThat(v2).as(e.getKey()).isNotNull();
            assertThat(names(v2.path("properties"))).as(e.getKey()).isEqualTo(names(e.getValue().path("properties")));
            for (var p : e.getValue().path("properties").properties()) {
                JsonNode v2p = v2.get("properties").get(p.getKey());
                assertThat(OpenApiSamples.refName(v2p)).as(e.getKey() + "." + p.getKey())
                        .isEqualTo(OpenApiSamples.refName(p.getValue()));
                assertThat(v2p.path("type").asString("")).as(e.getKey() + "." + p.getKey())
                        .isEqualTo(p.getValue().path("type").asString(""));
            }
        }
    }

    /**
     * Every list OpenAPI v2 marks {@code merge} is merged by the patcher (by the merge key v2 names, which its
     * elements have), every other list is replaced; objects marked {@code replace} are replaced, other
     * objects and maps merged; no scalar has a strategy.
     */
    @ParameterizedTest
    @MethodSource("resources")
    void thePatcherMergesWhatOpenApiV2Marks(ResourceDefinition<?> d) {
        List<Probe> probes = StrategicMergeProbes.of(V2, kindDefinition(V2, d));
        assertThat(probes).isNotEmpty();
        for (Probe p : probes) {
            boolean objects = p.items() != null && "object".equals(p.items().path("type").asString(""));
            String key = p.mergeKey();
            Set<String> strategy = Set.of(p.strategy().split(","));
            JsonNode original;
            JsonNode patch;
            if (p.isList()) {
                if (strategy.contains("merge") && objects) {
                    assertThat(key).as(p + ": merge key").isNotEmpty();
                    assertThat(p.items().path("properties").has(key)).as(p + ": elements have " + key).isTrue();
                }
                String k = key.isEmpty() ? "zz" : key;
                original = Json.MAPPER.createArrayNode().add(objects ? Json.MAPPER.createObjectNode().put(k, "a")
                        : Json.MAPPER.getNodeFactory().stringNode("a"));
                patch = Json.MAPPER.createArrayNode().add(objects ? Json.MAPPER.createObjectNode().put(k, "b")
                        : Json.MAPPER.getNodeFactory().stringNode("b"));
            } else {
                assertThat(p.items() == null && (p.field().has("$ref") || p.field().has("additionalProperties")))
                        .as(p + ": a strategy on a scalar").isTrue();
                original = Json.MAPPER.createObjectNode().put("zzA", 1);
                patch = Json.MAPPER.createObjectNode().put("zzB", 2);
            }
            JsonNode result = StrategicMergeProbes.at(Patches.apply(PatchType.STRATEGIC,
                    StrategicMergeProbes.wrap(p.steps(), original), Json.bytes(
                            StrategicMergeProbes.wrap(p.steps(), patch)), d.schema()), p.steps());
            boolean merged = p.isList() ? strategy.contains("merge") : !strategy.contains("replace");
            JsonNode expected = !merged ? patch : p.isList() ? ((tools.jackson.databind.node.ArrayNode)
                    original.deepCopy()).addAll((tools.jackson.databind.node.ArrayNode) patch)
                    : ((ObjectNode) original.deepCopy()).setAll((ObjectNode) patch);
            assertThat(new TreeSet<>(elements(result))).as(p + " (" + p.strategy() + ")")
                    .isEqualTo(new TreeSet<>(elements(expected)));
        }
    }

    private static List<String> elements(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            n.forEach(e -> out.add(Json.string(e)));
        } else if (n != null) {
            n.properties().forEach(e -> out.add(e.getKey() + "=" + Json.string(e.getValue())));
        }
        return out;
    }

    private static Set<String> names(JsonNode properties) {
        return new TreeSet<>(properties.propertyNames());
    }

    /**
     * Walks the Java type as Jackson sees it (its serialization properties) beside the v3 definition
     * {@code name}: the property names must be the same at every object reached.
     */
    private static void compare(JavaType type, JsonNode schemas, String name, String path, Set<String> seen,
                                List<String> problems) {
        JsonNode def = schemas.get(name);
        if (!def.has("properties") || !seen.add(name + "@" + type)) {
            return;
        }
        Map<String, JavaType> java = JacksonProperties.of(type);
        if (!java.keySet().equals(names(def.get("properties")))) {
            problems.add((path.isEmpty() ? name : path) + ": Jackson binds " + new TreeSet<>(java.keySet())
                    + ", OpenAPI lists " + names(def.get("properties")));
            return;
        }
        for (var p : def.get("properties").properties()) {
            JavaType t = java.get(p.getKey());
            JsonNode s = p.getValue();
            String at = path.isEmpty() ? p.getKey() : path + "." + p.getKey();
            while (t != null && (s.has("items") || s.has("additionalProperties")) && t.getContentType() != null) {
                s = s.has("items") ? s.get("items") : s.get("additionalProperties");
                t = t.getContentType();
            }
            String ref = OpenApiSamples.refName(s);
            if (ref != null && t != null) {
                compare(t, schemas, ref, at, seen, problems);
            }
        }
    }

    private static RequestScope scope(ResourceDefinition<?> d, String fieldValidation, ObjectNode body,
                                      MockHttpServletResponse response) {
        body.put("apiVersion", d.apiVersion());
        body.put("kind", d.kind());
        String path = "/" + (d.group().isEmpty() ? "api/" : "apis/" + d.group() + "/") + d.version()
                + (d.namespaced() ? "/namespaces/ns/" : "/") + d.resource();
        MockHttpServletRequest req = new MockHttpServletRequest("POST", path);
        req.setParameter("fieldValidation", fieldValidation);
        req.setContentType("application/json");
        req.setContent(Json.string(body).getBytes(StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        ResourceDefinition<HasMetadata> def = (ResourceDefinition<HasMetadata>) d;
        return new RequestScope(RequestInfoResolver.resolve("POST", path, null, null), def, null, null, null, req,
                response);
    }
}
