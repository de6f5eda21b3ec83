package dev.kapi.apiserver;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The flags the server reads (kube-apiserver's names, and k3s's {@code --write-kubeconfig}): the README's flags
 * table names exactly these (ConfigExampleTest checks it). A command line naming any other flag is refused before
 * anything starts, as kube-apiserver refuses it ({@code Error: unknown flag: --etcd-server}), so a misspelt flag
 * never goes unnoticed. Spring's own properties ({@code --spring.*}, {@code --server.*}, {@code --logging.*},
 * {@code --management.*}) and Kapi's internal tuning ({@code --kapi.*}) pass through.
 */
public final class KnownFlags {

    public static final Set<String> NAMES = Set.of(
            "etcd-servers", "etcd-prefix", "secure-port", "bind-address", "data-dir", "allow-empty-store",
            "write-kubeconfig", "tls-cert-file", "tls-private-key-file", "tls-san", "client-ca-file",
            "requestheader-client-ca-file", "requestheader-allowed-names", "requestheader-username-headers",
            "requestheader-group-headers", "requestheader-extra-headers-prefix",
            "token-auth-file", "anonymous-auth", "authentication-config", "authorization-mode",
            "authentication-token-webhook-config-file",
            "authentication-token-webhook-cache-ttl", "authentication-token-webhook-version",
            "authorization-webhook-config-file", "authorization-webhook-version",
            "authorization-webhook-cache-authorized-ttl", "authorization-webhook-cache-unauthorized-ttl",
            "authorization-config",
            "service-account-signing-key-file",
            "service-account-key-file", "service-account-issuer", "api-audiences",
            "service-account-max-token-expiration", "oidc-issuer-url", "oidc-client-id", "oidc-username-claim",
            "oidc-username-prefix", "oidc-groups-claim", "oidc-groups-prefix", "oidc-ca-file", "oidc-signing-algs",
            "oidc-required-claim",
            "enable-admission-plugins", "disable-admission-plugins", "admission-control-config-file",
            "webhook-service-urls", "default-not-ready-toleration-seconds", "default-unreachable-toleration-seconds",
            "service-cluster-ip-range", "service-node-port-range", "shutdown-delay-duration",
            "etcd-cafile", "etcd-certfile", "etcd-keyfile", "encryption-provider-config",
            "audit-policy-file", "audit-log-path", "audit-log-maxsize", "audit-log-maxbackup", "audit-log-maxage",
            "audit-log-compress", "audit-log-format", "audit-log-mode", "audit-log-version",
            "audit-log-truncate-enabled", "audit-log-truncate-max-event-size", "audit-log-truncate-max-batch-size",
            "audit-log-batch-buffer-size", "audit-log-batch-max-size", "audit-log-batch-max-wait",
            "audit-log-batch-throttle-enable", "audit-log-batch-throttle-qps", "audit-log-batch-throttle-burst",
            "audit-webhook-config-file", "audit-webhook-mode", "audit-webhook-version", "audit-webhook-initial-backoff",
            "audit-webhook-batch-initial-backoff",
            "audit-webhook-batch-buffer-size", "audit-webhook-batch-max-size", "audit-webhook-batch-max-wait",
            "audit-webhook-batch-throttle-enable", "audit-webhook-batch-throttle-qps",
            "audit-webhook-batch-throttle-burst", "audit-webhook-truncate-enabled",
            "audit-webhook-truncate-max-event-size", "audit-webhook-truncate-max-batch-size",
            "advertise-address", "endpoint-reconciler-type", "max-requests-inflight", "max-mutating-requests-inflight",
            "request-timeout",
            "etcd-count-metric-poll-period", "etcd-compaction-interval", "etcd-db-metric-poll-interval",
            "logging-format", "watch-cache", "watch-cache-sizes",
            "controllers", "leader-elect", "leader-elect-lease-duration", "leader-elect-renew-deadline",
            "leader-elect-retry-period", "simulated-nodes", "simulated-job-run-time");

    private static final List<String> PASSED_THROUGH = List.of("spring.", "server.", "logging.", "management.",
            "kapi.", "debug", "trace");

    private KnownFlags() {
    }

    /** The flags of a normalized command line ({@code --name=value}) that the server does not know, in order. */
    static List<String> unknown(String[] normalizedArgs) {
        List<String> out = new ArrayList<>();
        for (String a : normalizedArgs) {
            if (!a.startsWith("--")) {
                continue;
            }
            int eq = a.indexOf('=');
            String name = a.substring(2, eq < 0 ? a.length() : eq);
            if (!NAMES.contains(name) && PASSED_THROUGH.stream().noneMatch(name::startsWith)) {
                out.add("--" + name);
            }
        }
        return out;
    }
}
