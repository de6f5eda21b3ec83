package dev.kapi.apiserver.endpoints.handlers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A request's {@code metadata.managedFields: []}, which kube reads as "clear them", as opposed to no
 * managedFields at all, which keeps the live ones. fabric8 decodes both into an empty list, so an explicit empty
 * list is turned into kube's other spelling of a reset, one empty entry ({@code [{}]}), which the field manager
 * recognises.
 */
final class ManagedFieldsReset {

    private static final byte[] NAME = "managedFields".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern EMPTY_LIST = Pattern.compile("managedFields\"?\\s*:\\s*\\[\\s*]");

    private ManagedFieldsReset() {
    }

    /** Marks {@code obj} when {@code tree} (what it was decoded from) has an empty {@code metadata.managedFields}. */
    static void mark(HasMetadata obj, JsonNode tree) {
        JsonNode list = tree.path("metadata").path("managedFields");
        if (list.isArray() && list.isEmpty() && obj.getMetadata() != null) {
            obj.getMetadata().setManagedFields(List.of(new ManagedFieldsEntry()));
        }
    }

    /** {@link #mark} for an object decoded from a JSON or YAML body, looking at the body only when it may say so. */
    static void mark(HasMetadata obj, byte[] body, boolean yaml) {
        if (obj.getMetadata() == null || obj.getMetadata().getManagedFields() == null
                || !obj.getMetadata().getManagedFields().isEmpty() || !mentionsManagedFields(body)
                || !EMPTY_LIST.matcher(new String(body, StandardCharsets.UTF_8)).find()) {
            return;
        }
        mark(obj, ObjectDecoder.parse(body, yaml));
    }

    /** Whether the body has the bytes {@code managedFields} at all: no copy, no regex, for nearly every body. */
    private static boolean mentionsManagedFields(byte[] body) {
        outer:
        for (int i = 0; i <= body.length - NAME.length; i++) {
            for (int j = 0; j < NAME.length; j++) {
                if (body[i + j] != NAME[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
