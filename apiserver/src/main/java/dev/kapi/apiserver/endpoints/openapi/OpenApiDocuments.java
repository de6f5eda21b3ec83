package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.endpoints.discovery.GroupVersions;
import dev.kapi.apiserver.endpoints.discovery.VersionHandler;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import tools.jackson.databind.node.ObjectNode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The OpenAPI v3 documents of a {@link ResourceRegistry}: one per group-version ({@code api/v1},
 * {@code apis/apps/v1}, ...) with its paths and every schema they reach, and the index
 * ({@code /openapi/v3}) that links each with a content hash. The registry is fixed once the server runs,
 * so all documents are generated together on first use and kept as bytes.
 */
public final class OpenApiDocuments {

    /** One document, serialized, and its hash (uppercase hex SHA-512 of the bytes, as kube computes it). */
    public record Document(byte[] json, String hash) {
    }

    private final ResourceRegistry registry;
    private volatile Map<String, Document> documents;
    private volatile byte[] index;

    public OpenApiDocuments(ResourceRegistry registry) {
        this.registry = registry;
    }

    /** The document of {@code path} ("api/v1", "apis/apps/v1"), if served. */
    public Optional<Document> document(String path) {
        return Optional.ofNullable(documents().get(path));
    }

    /** The {@code /openapi/v3} index: {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}}}. */
    public byte[] index() {
        documents();
        return index;
    }

    /** The paths of all documents, in discovery order. */
    public Map<String, Document> documents() {
        Map<String, Document> d = documents;
        if (d == null) {
            synchronized (this) {
                if (documents == null) {
                    generate();
                }
                d = documents;
            }
        }
        return d;
    }

    private void generate() {
        Map<String, Document> docs = new LinkedHashMap<>();
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode paths = root.putObject("paths");
        for (GroupVersions.Group g : GroupVersions.of(registry)) {
            for (String version : g.versions()) {
                String path = g.name().isEmpty() ? "api/" + version : "apis/" + g.name() + "/" + version;
                byte[] json = Json.bytes(generate(g, version));
                Document doc = new Document(json, sha512(json));
                docs.put(path, doc);
                paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + doc.hash());
            }
        }
        index = Json.bytes(root);
        documents = Map.copyOf(docs);
    }

    private ObjectNode generate(GroupVersions.Group group, String version) {
        SchemaGenerator schemas = new SchemaGenerator();
        ResourcePaths resourcePaths = new ResourcePaths(schemas, new KindSchemas(registry));
        ObjectNode unsorted = Json.MAPPER.createObjectNode();
        for (ResourceDefinition<?> d : group.resources().get(version)) {
            resourcePaths.add(unsorted, d);
        }
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("openapi", "3.0.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes");
        info.put("version", VersionHandler.GIT_VERSION);
        ObjectNode paths = doc.putObject("paths");
        new TreeMap<>(unsorted.properties().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                .forEach(paths::set);
        ObjectNode components = doc.putObject("components");
        ObjectNode schemaNode = components.putObject("schemas");
        schemas.schemas().forEach(schemaNode::set);
        ObjectNode bearer = components.putObject("securitySchemes").putObject("BearerToken");
        bearer.put("type", "apiKey");
        bearer.put("description", "Bearer Token authentication");
        bearer.put("name", "authorization");
        bearer.put("in", "header");
        doc.putArray("security").addObject().putArray("BearerToken");
        return doc;
    }

    static String sha512(byte[] bytes) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
