package dev.kapi.apiserver.registry.fieldmanager;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.fieldpath.FieldSet;
import dev.kapi.apiserver.api.merge.Compare;
import dev.kapi.apiserver.api.merge.Comparison;
import dev.kapi.apiserver.api.merge.Conflicts;
import dev.kapi.apiserver.api.merge.ToFieldSet;
import dev.kapi.apiserver.api.merge.TypeError;
import dev.kapi.apiserver.api.merge.Updater;
import dev.kapi.apiserver.api.merge.Validate;
import dev.kapi.apiserver.api.schema.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * kubectl's move from client-side to server-side apply (kube's {@code lastAppliedManager} and {@code
 * lastAppliedUpdater}), for the manager {@code kubectl} only: conflicts on fields that the object's {@code
 * kubectl.kubernetes.io/last-applied-configuration} set, with the live value unchanged, are not conflicts (kubectl
 * applied them before, client-side), and a server-side apply keeps that annotation up to date when it is there.
 */
final class LastApplied {

    static final String KUBECTL = "kubectl";
    static final String ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

    private LastApplied() {
    }

    /** The forced apply when every conflict is allowed by the annotation; the 409 of the rest otherwise. */
    static Updater.Result retryAllowed(FieldManager fm, ObjectNode live, Managed managed, ManagerId id,
                                       Conflicts conflicts, Supplier<Updater.Result> forced) {
        List<Conflicts.Conflict> remaining = conflicts.conflicts();
        if (id.manager().equals(KUBECTL) && live != null) {
            FieldSet allowed = allowedConflicts(fm.definition().schema(), fm.definition().apiVersion(), live);
            if (allowed != null) {
                remaining = conflicts.without(allowed);
                if (remaining.isEmpty()) {
                    return forced.get();
                }
            }
        }
        throw ApplyConflicts.status(remaining, managed);
    }

    /** The fields the annotation sets to what the live object still has; null when there is no usable one. */
    private static FieldSet allowedConflicts(Schema schema, String apiVersion, ObjectNode live) {
        String text = annotation(live);
        if (text == null) {
            return null;
        }
        JsonNode last;
        try {
            last = Json.MAPPER.readTree(text);
        } catch (RuntimeException e) {
            return null;
        }
        if (!last.isObject() || !apiVersion.equals(last.path("apiVersion").asString(""))) {
            return null;
        }
        try {
            Validate.check(schema, last);
        } catch (TypeError e) {
            return null;
        }
        Comparison c = Compare.of(schema, last, live);
        return ToFieldSet.of(schema, last).difference(c.modified()).difference(c.added()).difference(c.removed());
    }

    /** Sets the annotation of {@code out} to the applied configuration when the live object has one. */
    static void sync(ObjectNode live, ObjectNode config, ObjectNode out) {
        if (annotation(live) == null) {
            return;
        }
        ObjectNode applied = config.deepCopy();
        if (applied.path("metadata").path("annotations") instanceof ObjectNode a) {
            a.remove(ANNOTATION);
        }
        ObjectNode meta = out.get("metadata") instanceof ObjectNode m ? m : out.putObject("metadata");
        ObjectNode annotations = meta.get("annotations") instanceof ObjectNode a ? a : meta.putObject("annotations");
        annotations.put(ANNOTATION, Json.string(sorted(applied)) + "\n");
    }

    private static String annotation(JsonNode obj) {
        JsonNode v = obj.path("metadata").path("annotations").path(ANNOTATION);
        return v.isString() && !v.stringValue().isEmpty() ? v.stringValue() : null;
    }

    /** Go's encoding of an unstructured object: map keys in order. */
    private static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            TreeMap<String, JsonNode> m = new TreeMap<>();
            n.properties().forEach(e -> m.put(e.getKey(), sorted(e.getValue())));
            ObjectNode o = Json.MAPPER.createObjectNode();
            for (Map.Entry<String, JsonNode> e : m.entrySet()) {
                o.set(e.getKey(), e.getValue());
            }
            return o;
        }
        if (n.isArray()) {
            var a = Json.MAPPER.createArrayNode();
            n.forEach(x -> a.add(sorted(x)));
            return a;
        }
        return n;
    }
}
