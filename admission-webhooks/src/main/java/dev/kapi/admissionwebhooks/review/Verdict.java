package dev.kapi.admissionwebhooks.review;

import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * A webhook's answer: allowed or denied (with a message and an HTTP code, 403 by default), warnings for the
 * client, a JSON patch (mutating webhooks; null for none) and audit annotations.
 */
public record Verdict(boolean allowed, String message, int code, List<String> warnings, JsonNode patch,
                      Map<String, String> auditAnnotations) {

    public Verdict {
        warnings = List.copyOf(warnings);
        auditAnnotations = Map.copyOf(auditAnnotations);
    }

    public static Verdict allow() {
        return allow(List.of());
    }

    public static Verdict allow(List<String> warnings) {
        return new Verdict(true, null, 200, warnings, null, Map.of());
    }

    /** Denied with 403 Forbidden. */
    public static Verdict deny(String message, List<String> warnings) {
        return new Verdict(false, message, 403, warnings, null, Map.of());
    }

    /** Allowed with a JSON patch (an array of operations; empty or null for none). */
    public static Verdict patch(JsonNode patch, List<String> warnings, Map<String, String> auditAnnotations) {
        return new Verdict(true, null, 200, warnings, patch == null || patch.isEmpty() ? null : patch,
                auditAnnotations);
    }
}
