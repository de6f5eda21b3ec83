package dev.kapi.apiserver.admission.plugin.webhook.mutating;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.plugin.webhook.errors.CallingWebhook;
import dev.kapi.apiserver.admission.plugin.webhook.errors.WebhookErrors;
import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.zjsonpatch.CompatibilityFlags;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.util.EnumSet;
import java.util.Objects;

/**
 * Applies a mutating webhook's JSONPatch to the object it was sent, as kube's dispatcher does: a patch that is
 * not a JSON array of operations is a failure to call the webhook (failurePolicy decides); an empty one changes
 * nothing; any other is applied to the object's JSON and the result decoded as the object's kind. A patch for a
 * request without an object (DELETE), one that does not apply, a result that does not decode, and one that
 * changes what the request is about (apiVersion, kind, a set name, namespace) fail the request with a 500 naming
 * the webhook, whatever the failurePolicy: nothing is stored.
 */
final class Patching {

    private static final EnumSet<CompatibilityFlags> FLAGS = EnumSet.of(CompatibilityFlags.FORBID_REMOVE_MISSING_OBJECT);

    /** The patched object, and whether it differs from the one patched. */
    record Patched(HasMetadata object, boolean changed) {
    }

    private Patching() {
    }

    static Patched apply(String webhook, HasMetadata object, byte[] patch, AdmissionAttributes request)
            throws CallingWebhook {
        JsonNode ops;
        try {
            ops = Json.MAPPER.readTree(patch);
        } catch (JacksonException e) {
            throw new CallingWebhook(webhook, "received undecodable patch in webhook response: " + e.getOriginalMessage());
        }
        if (ops == null || !ops.isArray()) {
            throw new CallingWebhook(webhook, "received undecodable patch in webhook response: json: cannot unmarshal "
                    + (ops == null ? "null" : ops.getNodeType().name().toLowerCase(java.util.Locale.ROOT))
                    + " into Go value of type jsonpatch.Patch");
        }
        for (JsonNode op : ops) {
            if (!op.isObject()) {
                throw new CallingWebhook(webhook, "received undecodable patch in webhook response: json: cannot "
                        + "unmarshal " + op.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                        + " into Go value of type jsonpatch.Operation");
            }
        }
        if (ops.isEmpty()) {
            return new Patched(object, false);
        }
        if (object == null) {
            throw WebhookErrors.internal("admission webhook " + GoQuote.quote(webhook)
                    + " attempted to modify the object, which is not supported for this operation");
        }
        JsonNode before = Json.tree(object);
        JsonNode after;
        try {
            after = JsonPatch.apply(ops, before.deepCopy(), FLAGS);
        } catch (JsonPatchException | IllegalArgumentException | UnsupportedOperationException e) {
            throw WebhookErrors.internal("admission webhook " + GoQuote.quote(webhook)
                    + " returned a patch that does not apply: " + e.getMessage());
        }
        if (after.equals(before)) {
            return new Patched(object, false);
        }
        checkIdentity(webhook, before, after, request);
        HasMetadata decoded;
        try {
            decoded = Json.convertCanonical(after, object.getClass()); // kube decodes it: canonical quantities
        } catch (JacksonException | IllegalArgumentException e) {
            throw WebhookErrors.internal("admission webhook " + GoQuote.quote(webhook) + " returned a patch whose "
                    + "result does not decode as a " + text(before, "kind") + ": " + message(e));
        }
        if (decoded.getMetadata() == null) {
            throw WebhookErrors.internal("admission webhook " + GoQuote.quote(webhook)
                    + " attempted to remove the object's metadata");
        }
        return new Patched(decoded, true);
    }

    /** apiVersion and kind stay; a name stays once set; the namespace stays the object's or the request's. */
    private static void checkIdentity(String webhook, JsonNode before, JsonNode after, AdmissionAttributes request) {
        for (String field : new String[]{"apiVersion", "kind"}) {
            if (!text(before, field).equals(text(after, field))) {
                throw changed(webhook, field, text(before, field), text(after, field));
            }
        }
        String name = text(before.path("metadata"), "name");
        String newName = text(after.path("metadata"), "name");
        if (!name.isEmpty() && !name.equals(newName)) {
            throw changed(webhook, "metadata.name", name, newName);
        }
        String namespace = text(before.path("metadata"), "namespace");
        String newNamespace = text(after.path("metadata"), "namespace");
        boolean namespaced = request.namespace() != null && !request.namespace().isEmpty()
                && !(request.group().isEmpty() && request.resource().resource().equals("namespaces"));
        // the store puts a namespaced object in the request's namespace: leaving it out changes nothing
        boolean allowed = Objects.equals(namespace, newNamespace) || (namespaced && newNamespace.isEmpty())
                || (namespace.isEmpty() && namespaced && newNamespace.equals(request.namespace()));
        if (!allowed) {
            throw changed(webhook, "metadata.namespace", namespace, newNamespace);
        }
    }

    private static StatusError changed(String webhook, String field, String from, String to) {
        return WebhookErrors.internal("admission webhook " + GoQuote.quote(webhook) + " attempted to change "
                + field + " from " + GoQuote.quote(from) + " to " + GoQuote.quote(to) + ", which is not supported");
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isString() ? v.asString() : "";
    }

    private static String message(Exception e) {
        return e instanceof JacksonException j && j.getOriginalMessage() != null ? j.getOriginalMessage() : e.getMessage();
    }
}
