package dev.kapi.apiserver.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The {@code helm/kapi} chart of this repository, driven with helm-java (Helm as a native library): lint it,
 * render it ({@code helm template}) with a values file, and read the rendered manifests as JSON trees.
 */
public final class HelmChart {

    /** The chart's directory (tests run in {@code apiserver/}). */
    public static final Path DIR = locate();

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private HelmChart() {
    }

    private static Path locate() {
        for (Path candidate : List.of(Path.of("../helm/kapi"), Path.of("helm/kapi"))) {
            if (Files.isRegularFile(candidate.resolve("Chart.yaml"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("no helm/kapi chart next to " + Path.of("").toAbsolutePath());
    }

    public static Helm helm() {
        return new Helm(DIR);
    }

    /** {@code helm template <release> helm/kapi -n <namespace> -f <values>}: the manifests as one YAML stream. */
    public static String template(String release, String namespace, String valuesYaml) {
        Path values = writeValues(valuesYaml);
        try {
            TemplateCommand t = helm().template().withName(release).withNamespace(namespace).withValuesFile(values);
            return t.call();
        } finally {
            delete(values);
        }
    }

    /** The rendered manifests, one JSON tree each (empty documents left out). */
    public static List<ObjectNode> render(String release, String namespace, String valuesYaml) {
        return documents(template(release, namespace, valuesYaml));
    }

    /** The documents of a YAML stream that hold an object. */
    public static List<ObjectNode> documents(String yamlStream) {
        List<ObjectNode> out = new ArrayList<>();
        for (String doc : yamlStream.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
                continue;
            }
            JsonNode node = YAML.readTree(doc);
            if (node instanceof ObjectNode object) {
                out.add(object);
            }
        }
        return out;
    }

    /** The one manifest of {@code kind} named {@code name}; fails when there is none. */
    public static ObjectNode find(List<ObjectNode> manifests, String kind, String name) {
        return manifests.stream()
                .filter(m -> m.path("kind").asString().equals(kind) && m.path("metadata").path("name").asString().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names(manifests)));
    }

    /** {@code Kind/name} of each manifest. */
    public static List<String> names(List<ObjectNode> manifests) {
        return manifests.stream().map(m -> m.path("kind").asString() + "/" + m.path("metadata").path("name").asString())
                .toList();
    }

    /** The string items of an array node. */
    public static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asString).toList();
    }

    /** The first container's args of a Deployment or StatefulSet. */
    public static List<String> args(ObjectNode workload) {
        return strings(workload.path("spec").path("template").path("spec").path("containers").path(0).path("args"));
    }

    /** A Secret's {@code data} value, base64-decoded. */
    public static String secretData(ObjectNode secret, String key) {
        JsonNode value = secret.path("data").path(key);
        if (value.isMissingNode()) {
            throw new AssertionError("Secret " + secret.path("metadata").path("name").asString() + " has no " + key);
        }
        return new String(java.util.Base64.getDecoder().decode(value.asString()), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Writes values to a temporary file (deleted by the caller). */
    public static Path writeValues(String valuesYaml) {
        try {
            Path file = Files.createTempFile("kapi-values-", ".yaml");
            Files.writeString(file, valuesYaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
