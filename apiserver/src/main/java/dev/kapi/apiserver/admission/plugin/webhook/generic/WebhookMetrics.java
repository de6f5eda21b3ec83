package dev.kapi.apiserver.admission.plugin.webhook.generic;

import dev.kapi.apiserver.admission.plugin.webhook.errors.CallingWebhook;
import org.slf4j.LoggerFactory;

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

    /**
     * Tells one call's outcome as kube's dispatchers do. A meter that throws is logged and forgotten: it never
     * changes what admission decides.
     */
    static void observe(WebhookMetrics m, Hook hook, String type, String operation, long startNanos,
                        Outcome outcome, int code) {
        try {
            tell(m, hook, type, operation, Duration.ofNanos(System.nanoTime() - startNanos), outcome, code);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(WebhookMetrics.class).debug("webhook metrics failed", e);
        }
    }

    /**
     * The code kube's dispatchers give a call that got no usable answer: the answer's HTTP code when there was one,
     * else the code of the Status kube wraps the failure in (a bad request, or for the mutating dispatcher's
     * transport and patch failures a service unavailable).
     */
    static int failureCode(CallingWebhook e, boolean mutating) {
        if (e.code() != 0) {
            return e.code();
        }
        String reason = e.reason();
        if (reason.startsWith("Webhook SideEffects is nil") || reason.startsWith("could not create admission objects")) {
            return 400;
        }
        if (reason.startsWith("received invalid webhook response")) {
            return 503;
        }
        if (reason.startsWith("could not get REST client")) {
            return mutating ? 500 : 400;
        }
        return mutating ? 503 : 400;
    }

    private static void tell(WebhookMetrics m, Hook hook, String type, String operation, Duration took,
                             Outcome outcome, int code) {
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
            case CRASHED -> {
                if (hook.ignoresFailures()) {
                    m.failedOpen(hook.name(), type);
                } else {
                    m.rejected(hook.name(), type, operation, INTERNAL_ERROR, 0);
                    m.called(hook.name(), type, operation, true, 0, took);
                }
            }
        }
    }

    /**
     * How a call ended: allowed, denied by the webhook, not called (no usable answer), refused by the server
     * (a dry run the webhook's side effects forbid, a patch that cannot apply), or crashed in the server (kube's
     * recovered panic: under failurePolicy Ignore only a fail-open is counted).
     */
    enum Outcome { ALLOWED, DENIED, NOT_CALLED, INTERNAL, CRASHED }
}
