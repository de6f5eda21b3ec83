package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.endpoints.discovery.GroupVersions;
import dev.kapi.apiserver.endpoints.discovery.VersionHandler;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import tools.jackson.databind.node.ObjectNode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The OpenAPI v3 documents of a {@link ResourceRegistry}: one per group-version ({@code api/v1},
 * {@code apis/apps/v1}, ...) with its paths and every schema they reach, and the index
 * ({@code /openapi/v3}) that links each with a content hash. Documents are generated together on first use
 * and kept as bytes for the registry generation they describe; on the first use after the registry changed,
 * only the group-versions whose resources changed are generated again (the others keep their bytes and
 * hash, so clients' cached copies stay valid) and the index is rebuilt.
 */
public final class OpenApiDocuments {

    /** One document, serialized, and its hash (uppercase hex SHA-512 of the bytes, as kube computes it). */
    public record Document(byte[] json, String hash) {
    }

    /** A group-version's document and the definitions it was generated from. */
    private record Part(List<ResourceDefinition<?>> definitions, Document document) {
    }

    /** Every document of one registry snapshot, by path, and the index linking them. */
    private record Generated(ResourceRegistry.Snapshot snapshot, Map<String, Part> parts,
                             Map<String, Document> documents, byte[] index) {
    }

    private final ResourceRegistry registry;
    private volatile Generated generated;

    public OpenApiDocuments(ResourceRegistry registry) {
        this.registry = registry;
    }

    /** The document of {@code path} ("api/v1", "apis/apps/v1"), if served. */
    public Optional<Document> document(String path) {
        return Optional.ofNullable(documents().get(path));
    }

    /** The {@code /openapi/v3} index: {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}}}. */
    public byte[] index() {
        return current().index();
    }

    /** The paths of all documents, in discovery order. */
    public Map<String, Document> documents() {
        return current().documents();
    }

    private Generated current() {
        Generated g = generated;
        if (g != null && g.snapshot() == registry.snapshot()) {
            return g;
        }
        synchronized (this) {
            ResourceRegistry.Snapshot now = registry.snapshot();
            if (generated == null || generated.snapshot() != now) {
                generated = generateAll(now, generated == null ? Map.of() : generated.parts());
            }
            return generated;
        }
    }

    /**
     * The documents of {@code snapshot}, reusing those of {@code previous} whose group-version has the same
     * definitions: a document reads only its own group-version's definitions (the kinds of subresources such
     * as autoscaling/v1 Scale are fabric8's classes, which registering a resource does not change).
     */
    private static Generated generateAll(ResourceRegistry.Snapshot snapshot, Map<String, Part> previous) {
        Map<String, Part> parts = new LinkedHashMap<>();
        Map<String, Document> docs = new LinkedHashMap<>();
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode paths = root.putObject("paths");
        for (GroupVersions.Group g : GroupVersions.of(snapshot.all())) {
            for (String version : g.versions()) {
                String path = g.name().isEmpty() ? "api/" + version : "apis/" + g.name() + "/" + version;
                List<ResourceDefinition<?>> definitions = g.resources().get(version);
                Part part = previous.get(path);
                if (part == null || !sameDefinitions(part.definitions(), definitions)) {
                    byte[] json = Json.bytes(generate(snapshot, g, version));
                    part = new Part(definitions, new Document(json, sha512(json)));
                }
                parts.put(path, part);
                docs.put(path, part.document());
                paths.putObject(path).put("serverRelativeURL",
                        "/openapi/v3/" + path + "?hash=" + part.document().hash());
            }
        }
        return new Generated(snapshot, parts, Collections.unmodifiableMap(docs), Json.bytes(root));
    }

    /** The same definition objects in the same order: a document generated from one fits the other. */
    private static boolean sameDefinitions(List<ResourceDefinition<?>> a, List<ResourceDefinition<?>> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    private static ObjectNode generate(ResourceRegistry.Snapshot snapshot, GroupVersions.Group group, String version) {
        SchemaGenerator schemas = new SchemaGenerator();
        ResourcePaths resourcePaths = new ResourcePaths(schemas, new KindSchemas(snapshot));
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
