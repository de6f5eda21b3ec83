package dev.kapi.apiserver.authz;

import java.time.Duration;

/**
 * What authorization reports, as kube's {@code apiserver_authorization_*} metrics (the server writes them; see
 * {@code server.AuthorizationMeters}). Authorizers are named as in {@code --authorization-config}; those of
 * {@code --authorization-mode} by their lower-cased mode ({@code rbac}, {@code webhook}), as kube names them.
 */
public interface AuthorizationMetrics {

    /** Reports nothing. */
    AuthorizationMetrics NONE = new AuthorizationMetrics() {
    };

    /** A configured authorizer allowed or denied ({@code decisions_total{type,name,decision}}); no opinion is not. */
    default void decided(String type, String name, boolean allowed) {
    }

    /**
     * One decision that called a webhook, its retries included ({@code webhook_evaluations_total} and
     * {@code webhook_duration_seconds}): {@code result} is success, error, timeout or canceled.
     */
    default void webhookEvaluated(String name, String result, Duration took) {
    }

    /** A webhook's error or timeout that ended as no opinion ({@code webhook_evaluations_fail_open_total}). */
    default void webhookFailedOpen(String name, String result) {
    }

    /**
     * A webhook's match conditions evaluated for one decision ({@code match_condition_evaluation_seconds}),
     * which excluded it ({@code match_condition_exclusions_total}) or failed ({@code ..._evaluation_errors_total}).
     */
    default void matchConditionsEvaluated(String type, String name, Duration took, boolean excluded, boolean failed) {
    }

    /**
     * A changed {@code --authorization-config} file read again: used, or not ({@code failure}: unreadable, invalid,
     * not allowed as a reload), as kube's {@code authorization_config_controller_automatic_reloads_total} and
     * {@code ..._automatic_reload_last_timestamp_seconds} count it.
     */
    default void configReloaded(boolean succeeded) {
    }
}
