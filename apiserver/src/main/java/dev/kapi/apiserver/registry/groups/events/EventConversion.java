package dev.kapi.apiserver.registry.groups.events;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.Event;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * kube's mapping between core v1 Events (stored) and events.k8s.io/v1 Events: {@code message} is {@code note},
 * {@code involvedObject} {@code regarding}, {@code reportingComponent} {@code reportingController}, {@code source},
 * {@code firstTimestamp}, {@code lastTimestamp} and {@code count} the {@code deprecated*} fields; metadata,
 * {@code eventTime}, {@code series}, {@code related}, {@code reportingInstance}, {@code action}, {@code reason}
 * and {@code type} are the same in both. Neither argument is changed.
 */
public final class EventConversion {

    /** core field → events.k8s.io field, for the fields whose names differ. */
    private static final Map<String, String> RENAMED = Map.of(
            "message", "note",
            "involvedObject", "regarding",
            "reportingComponent", "reportingController",
            "source", "deprecatedSource",
            "firstTimestamp", "deprecatedFirstTimestamp",
            "lastTimestamp", "deprecatedLastTimestamp",
            "count", "deprecatedCount");
    private static final Map<String, String> BACK = invert();

    private EventConversion() {
    }

    public static io.fabric8.kubernetes.api.model.events.v1.Event toEventsV1(Event core) {
        ObjectNode out = rename((ObjectNode) Json.tree(core), RENAMED, "events.k8s.io/v1");
        return Json.convert(out, io.fabric8.kubernetes.api.model.events.v1.Event.class);
    }

    public static Event toCore(io.fabric8.kubernetes.api.model.events.v1.Event ev) {
        ObjectNode out = rename((ObjectNode) Json.tree(ev), BACK, "v1");
        return Json.convert(out, Event.class);
    }

    private static ObjectNode rename(ObjectNode in, Map<String, String> names, String apiVersion) {
        ObjectNode out = in.objectNode();
        for (Map.Entry<String, JsonNode> e : in.properties()) {
            out.set(names.getOrDefault(e.getKey(), e.getKey()), e.getValue());
        }
        out.put("apiVersion", apiVersion);
        out.put("kind", "Event");
        return out;
    }

    private static Map<String, String> invert() {
        Map<String, String> back = new java.util.HashMap<>();
        RENAMED.forEach((core, events) -> back.put(events, core));
        return Map.copyOf(back);
    }
}
