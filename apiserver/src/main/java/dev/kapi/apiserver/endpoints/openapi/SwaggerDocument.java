package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.endpoints.discovery.GroupVersions;
import dev.kapi.apiserver.endpoints.discovery.VersionHandler;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Swagger 2.0 document of {@code /openapi/v2}: every path of every served group-version and the
 * definitions they reach, built from the same generator as the v3 documents ({@link ResourcePaths},
 * {@link SchemaGenerator}) and rewritten to v2 form: parameters with {@code in: query/path/body},
 * {@code consumes}/{@code produces} instead of content maps, responses with a {@code schema}. Operations keep
 * {@code x-kubernetes-action} and {@code x-kubernetes-group-version-kind}; definitions of kinds carry the
 * latter as a list. The document is generated on first use, again on the first use after the registry
 * changed, and kept as JSON and gnostic protobuf bytes.
 */
public final class SwaggerDocument {

    /** The serialized document: JSON, gnostic {@code openapi.v2.Document} protobuf, and a hash for ETags. */
    public record Bytes(byte[] json, byte[] protobuf, String hash) {
    }

    private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "patch");
    private static final List<String> PRODUCES = List.of("application/json", "application/yaml");

    /** The bytes of one registry snapshot. */
    private record Generated(ResourceRegistry.Snapshot snapshot, Bytes bytes) {
    }

    private final ResourceRegistry registry;
    private volatile Generated generated;

    public SwaggerDocument(ResourceRegistry registry) {
        this.registry = registry;
    }

    /** The document's bytes as the registry serves now, generated on first use after each change. */
    public Bytes bytes() {
        Generated g = generated;
        if (g != null && g.snapshot() == registry.snapshot()) {
            return g.bytes();
        }
        synchronized (this) {
            ResourceRegistry.Snapshot now = registry.snapshot();
            if (generated == null || generated.snapshot() != now) {
                ObjectNode doc = generate(now);
                byte[] json = Json.bytes(doc);
                generated = new Generated(now, new Bytes(json, SwaggerProtobuf.encode(doc),
                        OpenApiDocuments.sha512(json)));
            }
            return generated.bytes();
        }
    }

    /** Builds the document of what the registry serves now, as JSON. */
    ObjectNode generate() {
        return generate(registry.snapshot());
    }

    private static ObjectNode generate(ResourceRegistry.Snapshot snapshot) {
        SchemaGenerator schemas = new SchemaGenerator();
        ResourcePaths resourcePaths = new ResourcePaths(schemas, new KindSchemas(snapshot));
        ObjectNode v3paths = Json.MAPPER.createObjectNode();
        for (GroupVersions.Group g : GroupVersions.of(snapshot.all())) {
            for (String version : g.versions()) {
                for (ResourceDefinition<?> d : g.resources().get(version)) {
                    resourcePaths.add(v3paths, d);
                }
            }
        }
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("swagger", "2.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes");
        info.put("version", VersionHandler.GIT_VERSION.replaceFirst("-.*$", ""));
        ObjectNode paths = doc.putObject("paths");
        Map<String, JsonNode> sorted = new TreeMap<>();
        v3paths.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.forEach((path, item) -> paths.set(path, pathItem(item)));
        ObjectNode definitions = doc.putObject("definitions");
        schemas.schemas().forEach((name, schema) ->
                definitions.set(name, SwaggerSchemas.definition(schema, schemas.schemaOf(name))));
        ObjectNode bearer = doc.putObject("securityDefinitions").putObject("BearerToken");
        bearer.put("description", "Bearer Token authentication");
        bearer.put("type", "apiKey");
        bearer.put("name", "authorization");
        bearer.put("in", "header");
        doc.putArray("security").addObject().putArray("BearerToken");
        return doc;
    }

    private static ObjectNode pathItem(JsonNode v3) {
        ObjectNode item = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> e : v3.properties()) {
            if (OPERATIONS.contains(e.getKey())) {
                item.set(e.getKey(), operation(e.getValue()));
            }
        }
        if (v3.has("parameters")) {
            ArrayNode params = item.putArray("parameters");
            v3.get("parameters").forEach(p -> params.add(parameter(p)));
        }
        return item;
    }

    private static ObjectNode operation(JsonNode v3) {
        ObjectNode op = Json.MAPPER.createObjectNode();
        ArrayNode consumes = op.putArray("consumes");
        JsonNode body = v3.get("requestBody");
        if (body != null) {
            body.get("content").propertyNames().forEach(consumes::add);
        } else {
            consumes.add("*/*");
        }
        ArrayNode produces = op.putArray("produces");
        PRODUCES.forEach(produces::add);
        op.putArray("schemes").add("https");
        op.put("operationId", v3.get("operationId").asString());
        ArrayNode params = op.putArray("parameters");
        if (body != null) {
            ObjectNode b = params.addObject();
            b.put("name", "body");
            b.put("in", "body");
            b.put("required", true);
            JsonNode schema = body.get("content").values().iterator().next().get("schema");
            b.set("schema", SwaggerSchemas.convert(schema));
        }
        v3.get("parameters").forEach(p -> params.add(parameter(p)));
        ObjectNode responses = op.putObject("responses");
        for (Map.Entry<String, JsonNode> r : v3.get("responses").properties()) {
            ObjectNode out = responses.putObject(r.getKey());
            out.put("description", r.getValue().get("description").asString());
            JsonNode schema = r.getValue().path("content").path("application/json").get("schema");
            if (schema != null) {
                out.set("schema", SwaggerSchemas.convert(schema));
            }
        }
        for (Map.Entry<String, JsonNode> e : v3.properties()) {
            if (e.getKey().startsWith("x-")) {
                op.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return op;
    }

    /** A v3 parameter ({@code schema: {type}}) in v2 form (the type on the parameter itself). */
    private static ObjectNode parameter(JsonNode v3) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("name", v3.get("name").asString());
        p.put("in", v3.get("in").asString());
        if (v3.has("description")) {
            p.put("description", v3.get("description").asString());
        }
        if (v3.path("required").asBoolean(false)) {
            p.put("required", true);
        }
        JsonNode schema = v3.path("schema");
        p.put("type", schema.path("type").asString("string"));
        if (schema.path("uniqueItems").asBoolean(false)) {
            p.put("uniqueItems", true);
        }
        return p;
    }
}
