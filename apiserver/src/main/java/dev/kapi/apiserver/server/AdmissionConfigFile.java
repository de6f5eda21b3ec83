package dev.kapi.apiserver.server;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --admission-control-config-file}: kube's AdmissionConfiguration ({@code apiserver.config.k8s.io/v1},
 * also {@code v1alpha1} and {@code apiserver.k8s.io/v1alpha1}), YAML or JSON, whose {@code plugins[]} give each
 * plugin's configuration inline ({@code configuration}) or in a file ({@code path}, relative to this file). A
 * plugin asks for its own by name; one not named gets an empty object.
 */
public final class AdmissionConfigFile {

    private static final Set<String> API_VERSIONS = Set.of("apiserver.config.k8s.io/v1",
            "apiserver.config.k8s.io/v1alpha1", "apiserver.k8s.io/v1alpha1");
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private final Map<String, JsonNode> plugins;

    private AdmissionConfigFile(Map<String, JsonNode> plugins) {
        this.plugins = plugins;
    }

    public static AdmissionConfigFile empty() {
        return new AdmissionConfigFile(Map.of());
    }

    /** Reads the file; an unreadable or malformed one stops the server with the reason. */
    public static AdmissionConfigFile load(String file) {
        if (file == null || file.isEmpty()) {
            return empty();
        }
        Path path = Path.of(file);
        JsonNode root = read(path, "--admission-control-config-file");
        String apiVersion = root.path("apiVersion").asString("");
        if (!"AdmissionConfiguration".equals(root.path("kind").asString("")) || !API_VERSIONS.contains(apiVersion)) {
            throw new StartupFailure("--admission-control-config-file " + file + ": expected kind AdmissionConfiguration"
                    + " of apiserver.config.k8s.io/v1, got " + root.path("kind").asString("") + " of " + apiVersion);
        }
        Map<String, JsonNode> plugins = new LinkedHashMap<>();
        for (JsonNode p : root.path("plugins")) {
            String name = p.path("name").asString("");
            if (name.isEmpty()) {
                throw new StartupFailure("--admission-control-config-file " + file + ": a plugin without a name");
            }
            JsonNode config = p.get("configuration");
            if (config == null && p.hasNonNull("path")) {
                Path other = path.toAbsolutePath().getParent().resolve(p.get("path").asString());
                config = read(other, "admission plugin " + name + " configuration");
            }
            plugins.put(name, config == null ? JsonNodeFactory.instance.objectNode() : config);
        }
        return new AdmissionConfigFile(Map.copyOf(plugins));
    }

    /** The named plugin's configuration, an empty object when the file does not name it. */
    public JsonNode plugin(String name) {
        return plugins.getOrDefault(name, JsonNodeFactory.instance.objectNode());
    }

    private static JsonNode read(Path path, String what) {
        try {
            JsonNode node = YAML.readTree(Files.readString(path));
            if (node == null || !node.isObject()) {
                throw new StartupFailure(what + " " + path + ": not a YAML or JSON object");
            }
            return node;
        } catch (IOException | JacksonException e) {
            throw new StartupFailure("cannot read " + what + " " + path + ": " + StartupFailure.reason(e), e);
        }
    }
}
