package dev.kapi.apiserver.admission.plugin.webhook.errors;

import dev.kapi.apiserver.api.StatusError;

/**
 * A failure to get a usable answer from a webhook (kube's {@code ErrCallingWebhook}): it could not be reached,
 * timed out, answered non-2xx, garbage, another request's uid, an undecodable patch. Unlike a denial, the
 * webhook's failurePolicy decides: {@code Ignore} lets the request through, {@code Fail} fails it with
 * {@link #toStatus()}, kube's 500 {@code Internal error occurred: failed calling webhook "x": <reason>}.
 */
public final class CallingWebhook extends Exception {

    private final String webhook;
    private final String reason;

    public CallingWebhook(String webhook, String reason) {
        super("failed calling webhook \"" + webhook + "\": " + reason, null, false, false);
        this.webhook = webhook;
        this.reason = reason;
    }

    public String webhook() {
        return webhook;
    }

    public String reason() {
        return reason;
    }

    /** The request's error under failurePolicy Fail. */
    public StatusError toStatus() {
        return StatusError.internal(getMessage());
    }
}
