package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.api.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * Encodes an event as the JSON a backend sends, with kube's truncate backend in front when a maximum event size
 * is set ({@code --audit-log-truncate-*}, {@code --audit-webhook-truncate-*}): an event whose JSON is larger, at
 * level Request or RequestResponse, loses its request and response objects and gains the annotation
 * {@code audit.k8s.io/truncated: "true"}; one still larger (or larger at level Metadata) is dropped and reported
 * as kube reports it ("Error in audit plugin 'truncate'"). Encoding takes the event as it is at the call: the
 * bytes stay valid after the event changes. Safe for concurrent use.
 */
final class EventEncoder {

    /** kube's truncate backend's annotation on an event it stripped of its objects. */
    static final String TRUNCATED = "audit.k8s.io/truncated";

    private final long maxEventSize;
    private final PluginErrors tooLarge;

    /** @param maxEventSize the largest event in bytes of JSON; 0: no limit */
    EventEncoder(long maxEventSize, AuditMetrics metrics) {
        this.maxEventSize = maxEventSize;
        this.tooLarge = new PluginErrors("truncate", metrics);
    }

    /** The event's JSON, truncated if it must be; null when it is dropped as too large (already reported). */
    byte[] encode(AuditEvent event) {
        ObjectNode json = event.toJson();
        byte[] bytes = Json.MAPPER.writeValueAsBytes(json);
        if (maxEventSize <= 0 || bytes.length <= maxEventSize) {
            return bytes;
        }
        if (event.level().atLeast(Level.Request)) {
            json.remove("requestObject");
            json.remove("responseObject");
            ObjectNode annotations = json.has("annotations") ? (ObjectNode) json.get("annotations")
                    : json.putObject("annotations");
            annotations.put(TRUNCATED, "true");
            bytes = Json.MAPPER.writeValueAsBytes(json);
        }
        if (bytes.length > maxEventSize) {
            tooLarge.report(1, "event is too large even after truncation");
            return null;
        }
        return bytes;
    }
}
