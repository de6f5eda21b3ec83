package dev.kapi.apiserver.admission.plugin.webhook.request;

import io.fabric8.kubernetes.api.model.Status;

import java.util.List;
import java.util.Map;

/**
 * What a verified webhook answer says (kube's {@code request.AdmissionResponse}): whether the request is allowed,
 * the patch (decoded from base64; empty for none) and its type ({@code JSONPatch}, whatever the review version),
 * the Status to deny with, warnings for the client and audit annotations (keys without the webhook's prefix).
 */
public record AdmissionResponse(boolean allowed, byte[] patch, String patchType, Status result,
                                List<String> warnings, Map<String, String> auditAnnotations) {
}
