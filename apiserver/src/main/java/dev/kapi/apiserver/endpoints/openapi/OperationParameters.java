package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.api.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The parameters of kube-apiserver's operations, written inline (kubectl looks for
 * {@code fieldValidation} by name among a PATCH operation's own parameters to decide that the server
 * validates fields).
 */
final class OperationParameters {

    record Param(String name, String type, String description) {
    }

    static final List<Param> LIST = List.of(
            query("allowWatchBookmarks", "boolean", "requests watch events with type \"BOOKMARK\"."),
            query("continue", "string", "the continue token of a previous paginated list call."),
            query("fieldSelector", "string", "a selector to restrict the list of returned objects by their fields."),
            query("labelSelector", "string", "a selector to restrict the list of returned objects by their labels."),
            query("limit", "integer", "the maximum number of responses to return for a list call."),
            query("resourceVersion", "string", "sets a constraint on what resource versions a request may be served from."),
            query("resourceVersionMatch", "string", "determines how resourceVersion is applied to list calls."),
            query("sendInitialEvents", "boolean", "starts a watch with the current state of the collection."),
            query("timeoutSeconds", "integer", "timeout for the list/watch call."),
            query("watch", "boolean", "watch for changes to the described resources."));

    /** The list parameters a deletecollection takes (all but watch and allowWatchBookmarks). */
    static final List<Param> LIST_FOR_DELETE = LIST.stream()
            .filter(p -> !p.name().equals("watch") && !p.name().equals("allowWatchBookmarks")).toList();

    static final List<Param> WRITE = List.of(
            query("dryRun", "string", "when present, indicates that modifications should not be persisted."),
            query("fieldManager", "string", "a name associated with the actor or entity that is making these changes."),
            query("fieldValidation", "string",
                    "instructs the server on how to handle objects with unknown or duplicate fields: Ignore, Warn or Strict."));

    static final Param FORCE = query("force", "boolean",
            "force \"applies\" requests: re-acquire conflicting fields owned by other people.");

    static final List<Param> DELETE = List.of(
            query("dryRun", "string", "when present, indicates that modifications should not be persisted."),
            query("gracePeriodSeconds", "integer", "the duration in seconds before the object should be deleted."),
            query("ignoreStoreReadErrorWithClusterBreakingPotential", "boolean",
                    "deletes a corrupt object that cannot be read from storage."),
            query("orphanDependents", "boolean", "deprecated: use propagationPolicy."),
            query("propagationPolicy", "string", "whether and how garbage collection will be performed."));

    private OperationParameters() {
    }

    private static Param query(String name, String type, String description) {
        return new Param(name, type, description);
    }

    static void addQuery(ArrayNode params, List<Param> list) {
        for (Param p : list) {
            ObjectNode n = params.addObject();
            n.put("name", p.name());
            n.put("in", "query");
            n.put("description", p.description());
            ObjectNode schema = n.putObject("schema");
            schema.put("type", p.type());
            schema.put("uniqueItems", true);
        }
    }

    static void addPath(ArrayNode params, String name, String description) {
        ObjectNode n = params.addObject();
        n.put("name", name);
        n.put("in", "path");
        n.put("description", description);
        n.put("required", true);
        ObjectNode schema = n.putObject("schema");
        schema.put("type", "string");
        schema.put("uniqueItems", true);
    }

    /** The path-level parameters: {namespace}, {name} as present in the path, and {@code pretty}. */
    static ArrayNode forPath(String path) {
        ArrayNode params = Json.MAPPER.createArrayNode();
        if (path.contains("{name}")) {
            addPath(params, "name", "name of the resource");
        }
        if (path.contains("{namespace}")) {
            addPath(params, "namespace", "object name and auth scope, such as for teams and projects");
        }
        addQuery(params, List.of(query("pretty", "string", "If 'true', then the output is pretty printed.")));
        return params;
    }
}
