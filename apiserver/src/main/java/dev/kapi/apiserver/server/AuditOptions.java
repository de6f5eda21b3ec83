package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.GoDuration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * kube-apiserver's audit flags, with its names and defaults: {@code --audit-policy-file},
 * {@code --audit-log-path} ({@code -} for standard output), {@code --audit-log-maxsize} (MiB, 0 = 100),
 * {@code --audit-log-maxbackup}, {@code --audit-log-maxage} (days), {@code --audit-log-compress},
 * {@code --audit-log-format} ({@code json}), {@code --audit-log-version} ({@code audit.k8s.io/v1}),
 * {@code --audit-webhook-config-file} (a kubeconfig), {@code --audit-webhook-version} ({@code audit.k8s.io/v1}) and
 * {@code --audit-webhook-initial-backoff} ({@code 10s}; kube's deprecated {@code --audit-webhook-batch-initial-backoff}
 * is read when it is not given). Each backend's mode, batch and truncate flags are
 * {@link AuditBackendFlags}.
 */
@Component
public record AuditOptions(String policyFile, String logPath, int maxSize, int maxBackup, int maxAge,
                           boolean compress, String format, String version, String webhookConfigFile,
                           String webhookVersion, Duration webhookInitialBackoff) {

    @Autowired
    public AuditOptions(@Value("${audit-policy-file:}") String policyFile,
                        @Value("${audit-log-path:}") String logPath,
                        @Value("${audit-log-maxsize:0}") int maxSize,
                        @Value("${audit-log-maxbackup:0}") int maxBackup,
                        @Value("${audit-log-maxage:0}") int maxAge,
                        @Value("${audit-log-compress:false}") boolean compress,
                        @Value("${audit-log-format:json}") String format,
                        @Value("${audit-log-version:audit.k8s.io/v1}") String version,
                        @Value("${audit-webhook-config-file:}") String webhookConfigFile,
                        @Value("${audit-webhook-version:audit.k8s.io/v1}") String webhookVersion,
                        @Value("${audit-webhook-initial-backoff:${audit-webhook-batch-initial-backoff:10s}}")
                        String webhookInitialBackoff) {
        this(policyFile, logPath, maxSize, maxBackup, maxAge, compress, format, version, webhookConfigFile,
                webhookVersion, duration(webhookInitialBackoff));
    }

    private static Duration duration(String flag) {
        return flag.isBlank() ? Duration.ofSeconds(10) : GoDuration.parse(flag.trim());
    }
}
