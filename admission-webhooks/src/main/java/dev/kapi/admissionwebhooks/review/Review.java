package dev.kapi.admissionwebhooks.review;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One admission request as a webhook sees it: the typed request (operation, kind, namespace, user) with
 * {@code object} and {@code oldObject} as JSON trees (null when the request has none: DELETE has no object,
 * CREATE no old object).
 */
public record Review(AdmissionRequest request, ObjectNode object, ObjectNode oldObject) {

    /** CREATE, UPDATE, DELETE or CONNECT. */
    public String operation() {
        return request.getOperation();
    }

    /** The kind of the object, e.g. {@code Pod}. */
    public String kind() {
        return request.getKind() == null ? "" : request.getKind().getKind();
    }

    /** The namespace, "" for a cluster-scoped object. */
    public String namespace() {
        return request.getNamespace() == null ? "" : request.getNamespace();
    }

    /**
     * How messages name the object: {@code Pod "web"}, or {@code Pod (generateName "web-")} before the API
     * server has named it.
     */
    public String describeObject() {
        String name = request.getName();
        if ((name == null || name.isEmpty()) && object != null) {
            name = text(object.path("metadata").path("name"));
            if (name.isEmpty()) {
                String generateName = text(object.path("metadata").path("generateName"));
                if (!generateName.isEmpty()) {
                    return kind() + " (generateName \"" + generateName + "\")";
                }
            }
        }
        return kind() + " \"" + (name == null ? "" : name) + "\"";
    }

    /** The labels of an object (a missing node when it has none). */
    public static JsonNode labels(ObjectNode object) {
        return object == null ? MissingNode.getInstance() : object.path("metadata").path("labels");
    }

    /** The text of a JSON string, "" for anything else (missing, null, a number). */
    public static String text(JsonNode node) {
        return node != null && node.isString() ? node.stringValue() : "";
    }
}
