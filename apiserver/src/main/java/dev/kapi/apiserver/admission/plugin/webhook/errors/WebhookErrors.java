package dev.kapi.apiserver.admission.plugin.webhook.errors;

import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.Status;

/**
 * The errors webhooks give a request, in kube's words ({@code webhook/errors}): a denial carries the webhook's
 * own Status, its message prefixed with {@code admission webhook "x" denied the request}.
 */
public final class WebhookErrors {

    private WebhookErrors() {
    }

    /**
     * kube's {@code ToStatusErr}: the response's Status with code at least 400 (a lower or missing code is 400),
     * status Failure, and the message {@code admission webhook "x" denied the request: <message>} (its reason
     * when there is no message, {@code without explanation} when neither).
     */
    public static StatusError denied(String webhook, Status result) {
        Status s = result == null ? new Status() : result;
        s.setApiVersion("v1");
        s.setKind("Status");
        if (s.getMetadata() == null) {
            s.setMetadata(new ListMeta());
        }
        int code = s.getCode() == null ? 0 : s.getCode();
        s.setCode(code < 400 ? 400 : Math.min(code, 599));
        if (s.getStatus() == null || s.getStatus().isEmpty() || "Success".equals(s.getStatus())) {
            s.setStatus("Failure");
        }
        String deniedBy = "admission webhook \"" + webhook + "\" denied the request";
        if (s.getMessage() != null && !s.getMessage().isEmpty()) {
            s.setMessage(deniedBy + ": " + s.getMessage());
        } else if (s.getReason() != null && !s.getReason().isEmpty()) {
            s.setMessage(deniedBy + ": " + s.getReason());
        } else {
            s.setMessage(deniedBy + " without explanation");
        }
        return new StatusError(s);
    }

    /** A webhook with side effects refuses a dry run: 400 {@code admission webhook "x" does not support dry run}. */
    public static StatusError dryRunUnsupported(String webhook) {
        return StatusError.badRequest("admission webhook \"" + webhook + "\" does not support dry run");
    }

    /** A mutation kube cannot apply: 500 {@code Internal error occurred: <message>}. */
    public static StatusError internal(String message) {
        return StatusError.internal(message);
    }
}
