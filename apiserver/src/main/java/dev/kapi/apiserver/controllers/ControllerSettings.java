package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.authn.serviceaccount.LegacyServiceAccountTokens;
import dev.kapi.apiserver.webhook.ServiceUrls;

import java.time.Duration;

/**
 * How the server runs kube-controller-manager's controllers: which ones ({@code --controllers}), under which
 * leader election, and the simulated nodes ({@code --simulated-nodes}, {@code --simulated-job-run-time}); the CA
 * bundle the root CA publisher and the token controller hand out, what signs the token controller's tokens
 * (null: no token controller), and where CRD conversion webhooks given as a service are called
 * ({@code --webhook-service-urls}).
 */
public record ControllerSettings(ControllerSelection selection, LeaderElection election, int simulatedNodes,
                                 Duration simulatedJobRunTime, String rootCaPem, LegacyServiceAccountTokens tokens,
                                 ServiceUrls webhookServices) {

    /** Every default controller, no election, no simulated nodes, no CA to publish: a controller's own tests. */
    public static final ControllerSettings DEFAULTS = new ControllerSettings(ControllerSelection.ALL,
            LeaderElection.DISABLED, 0, Duration.ofSeconds(2), null, null);

    public ControllerSettings(ControllerSelection selection, LeaderElection election, int simulatedNodes,
                              Duration simulatedJobRunTime, String rootCaPem) {
        this(selection, election, simulatedNodes, simulatedJobRunTime, rootCaPem, null);
    }

    public ControllerSettings(ControllerSelection selection, LeaderElection election, int simulatedNodes,
                              Duration simulatedJobRunTime, String rootCaPem, LegacyServiceAccountTokens tokens) {
        this(selection, election, simulatedNodes, simulatedJobRunTime, rootCaPem, tokens, ServiceUrls.defaults());
    }

    /** These settings with the CA bundle (PEM) the root CA publisher puts in every namespace. */
    public ControllerSettings withRootCa(String pem) {
        return new ControllerSettings(selection, election, simulatedNodes, simulatedJobRunTime, pem, tokens,
                webhookServices);
    }

    /** These settings with what signs the Secret-based ServiceAccount tokens. */
    public ControllerSettings withTokens(LegacyServiceAccountTokens signer) {
        return new ControllerSettings(selection, election, simulatedNodes, simulatedJobRunTime, rootCaPem, signer,
                webhookServices);
    }

    /** These settings with another {@code --controllers} selection. */
    public ControllerSettings withSelection(ControllerSelection other) {
        return new ControllerSettings(other, election, simulatedNodes, simulatedJobRunTime, rootCaPem, tokens,
                webhookServices);
    }

    /** These settings with where webhooks given as a service are called ({@code --webhook-service-urls}). */
    public ControllerSettings withWebhookServices(ServiceUrls services) {
        return new ControllerSettings(selection, election, simulatedNodes, simulatedJobRunTime, rootCaPem, tokens,
                services);
    }

    /**
     * The scheduler's settings: only {@code kube-scheduler}, elected on its own Lease, and none of the parts that
     * belong to the controller manager (simulated nodes, the CA to publish, tokens to sign).
     */
    public ControllerSettings forScheduler() {
        return new ControllerSettings(ControllerSelection.only("kube-scheduler"),
                election.forLease(LeaderElection.SCHEDULER_LEASE), 0, simulatedJobRunTime, null, null, webhookServices);
    }

    public ControllerSettings {
        if (simulatedNodes < 0) {
            throw new IllegalArgumentException("--simulated-nodes must not be negative: " + simulatedNodes);
        }
        if (simulatedJobRunTime.isNegative()) {
            throw new IllegalArgumentException("--simulated-job-run-time must not be negative: " + simulatedJobRunTime);
        }
        webhookServices = webhookServices == null ? ServiceUrls.defaults() : webhookServices;
    }
}
