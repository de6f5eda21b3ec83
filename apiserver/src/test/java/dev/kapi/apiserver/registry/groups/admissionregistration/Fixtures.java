package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceStrategy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Test objects of the group built from JSON, and the strategy steps the store runs on them. */
final class Fixtures {

    /** A webhook kube accepts: a fully qualified name, a URL, no side effects, review version v1, one rule. */
    static final String WEBHOOK = """
            {"name":"webhook.example.com","clientConfig":{"url":"https://example.com/hook"},"sideEffects":"None",
             "admissionReviewVersions":["v1"],
             "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"]}]}""";

    private Fixtures() {
    }

    static ObjectNode json(String text) {
        return Json.object(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code base} with the top-level fields of {@code overrides} replaced (a JSON null removes the field). */
    static ObjectNode with(String base, String overrides) {
        ObjectNode node = json(base);
        for (Map.Entry<String, JsonNode> e : json(overrides).properties()) {
            if (e.getValue().isNull()) {
                node.remove(e.getKey());
            } else {
                node.set(e.getKey(), e.getValue());
            }
        }
        return node;
    }

    /** A {@code kind} named {@code name} with these top-level fields, e.g. {@code "webhooks":[...]}. */
    static <T extends HasMetadata> T object(Class<T> type, String name, String fields) {
        String meta = name == null ? "{}" : "{\"name\":\"" + name + "\"}";
        return Json.read(("{\"metadata\":" + meta + (fields.isEmpty() ? "" : "," + fields) + "}")
                .getBytes(StandardCharsets.UTF_8), type);
    }

    /** Defaults, prepareForCreate and validate, as a create through the store; the errors as kube prints them. */
    static <T extends HasMetadata> List<String> created(ResourceStrategy<T> s, T obj) {
        s.applyDefaults(obj);
        s.prepareForCreate(obj);
        return s.validate(obj).stream().map(FieldError::toString).toList();
    }

    /** Defaults, prepareForUpdate and validateUpdate, as an update through the store. */
    static <T extends HasMetadata> List<String> updated(ResourceStrategy<T> s, T obj, T old) {
        s.applyDefaults(obj);
        s.prepareForUpdate(obj, old);
        return s.validateUpdate(obj, old).stream().map(FieldError::toString).toList();
    }

    static <T extends HasMetadata> List<Object> cells(ResourceStrategy<T> s, T obj) {
        return s.tableColumns().stream().map(c -> c.cell().apply(obj)).toList();
    }

    static <T extends HasMetadata> List<String> headers(ResourceStrategy<T> s) {
        return s.tableColumns().stream().map(c -> c.name()).toList();
    }
}
