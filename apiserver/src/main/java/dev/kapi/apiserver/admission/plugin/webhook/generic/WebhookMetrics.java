package dev.kapi.apiserver.admission.plugin.webhook.generic;

import java.time.Duration;

/**
 * What kube counts of each webhook call ({@code apiserver_admission_webhook_*}), told by the dispatchers as kube's
 * tell theirs: every call's latency and HTTP code ({@code admission_duration_seconds}, {@code request_total}),
 * each rejection with its error type ({@code rejection_count}: {@link #NO_ERROR} for a denial,
 * {@link #CALLING_WEBHOOK_ERROR} for a webhook that could not be called under failurePolicy Fail,
 * {@link #INTERNAL_ERROR} for a failure of the server's own) and each call that failed open ({@code fail_open_count}).
 * {@code type} is {@code admit} (mutating) or {@code validating}; codes above 600 count as 600. The server binds it
 * to its meter registry; admission knows nothing of meters. Must return at once and not throw.
 */
public interface WebhookMetrics {

    String NO_ERROR = "no_error";
    String CALLING_WEBHOOK_ERROR = "calling_webhook_error";
    String INTERNAL_ERROR = "apiserver_internal_error";

    /** One call ended, {@code rejected} when it refused the request; {@code code} the answer's (0: none). */
    default void called(String webhook, String type, String operation, boolean rejected, int code, Duration took) {
    }

    /** A call refused the request; {@code code} the denial's or the failure's (0: none). */
    default void rejected(String webhook, String type, String operation, String errorType, int code) {
    }

    /** A call failed and the webhook's failurePolicy Ignore let the request go on. */
    default void failedOpen(String webhook, String type) {
    }

    /** Counts nothing. */
    WebhookMetrics NONE = new WebhookMetrics() {
    };

    /** Tells one call's outcome as kube's dispatchers do; {@code failure} null when the webhook answered. */
    static void observe(WebhookMetrics m, Hook hook, String type, String operation, long startNanos,
                        Outcome outcome, int code) {
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        int c = Math.min(code, 600);
        switch (outcome) {
            case ALLOWED -> m.called(hook.name(), type, operation, false, c, took);
            case DENIED -> {
                m.rejected(hook.name(), type, operation, NO_ERROR, c);
                m.called(hook.name(), type, operation, true, c, took);
            }
            case NOT_CALLED -> {
                boolean rejected = !hook.ignoresFailures();
                if (rejected) {
                    m.rejected(hook.name(), type, operation, CALLING_WEBHOOK_ERROR, c);
                }
                m.called(hook.name(), type, operation, rejected, c, took);
                if (!rejected) {
                    m.failedOpen(hook.name(), type);
                }
            }
            case INTERNAL -> {
                m.rejected(hook.name(), type, operation, INTERNAL_ERROR, 0);
                m.called(hook.name(), type, operation, true, 0, took);
            }
        }
    }

    /** How a call ended: allowed, denied by the webhook, not called (no usable answer), or failed in the server. */
    enum Outcome { ALLOWED, DENIED, NOT_CALLED, INTERNAL }
}
