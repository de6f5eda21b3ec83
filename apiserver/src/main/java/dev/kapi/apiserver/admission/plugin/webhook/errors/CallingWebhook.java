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
    private final int code;

    public CallingWebhook(String webhook, String reason) {
        this(webhook, reason, 0);
    }

    /** @param code the HTTP code of the webhook's non-2xx answer (0: none came), for the webhook metrics */
    public CallingWebhook(String webhook, String reason, int code) {
        super("failed calling webhook \"" + webhook + "\": " + reason, null, false, false);
        this.webhook = webhook;
        this.reason = reason;
        this.code = code;
    }

    /** The HTTP code of the webhook's answer when it was not 2xx; 0 when no answer came. */
    public int code() {
        return code;
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
