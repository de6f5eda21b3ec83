package dev.kapi.apiserver.server;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * kube-apiserver's audit flags, with its names and defaults: {@code --audit-policy-file},
 * {@code --audit-log-path} ({@code -} for standard output), {@code --audit-log-maxsize} (MiB, 0 = 100),
 * {@code --audit-log-maxbackup}, {@code --audit-log-maxage} (days), {@code --audit-log-compress},
 * {@code --audit-log-format} ({@code json}), {@code --audit-log-mode} ({@code blocking} or
 * {@code blocking-strict}), {@code --audit-log-version} ({@code audit.k8s.io/v1}) and the truncate backend's
 * {@code --audit-log-truncate-enabled} ({@code false}), {@code --audit-log-truncate-max-event-size} (100 KiB)
 * and {@code --audit-log-truncate-max-batch-size} (10 MiB; events are written one at a time, so it is only checked).
 */
@Component
public record AuditOptions(String policyFile, String logPath, int maxSize, int maxBackup, int maxAge,
                           boolean compress, String format, String mode, String version, boolean truncateEnabled,
                           long truncateMaxEventSize, long truncateMaxBatchSize) {

    public AuditOptions(@Value("${audit-policy-file:}") String policyFile,
                        @Value("${audit-log-path:}") String logPath,
                        @Value("${audit-log-maxsize:0}") int maxSize,
                        @Value("${audit-log-maxbackup:0}") int maxBackup,
                        @Value("${audit-log-maxage:0}") int maxAge,
                        @Value("${audit-log-compress:false}") boolean compress,
                        @Value("${audit-log-format:json}") String format,
                        @Value("${audit-log-mode:blocking}") String mode,
                        @Value("${audit-log-version:audit.k8s.io/v1}") String version,
                        @Value("${audit-log-truncate-enabled:false}") boolean truncateEnabled,
                        @Value("${audit-log-truncate-max-event-size:102400}") long truncateMaxEventSize,
                        @Value("${audit-log-truncate-max-batch-size:10485760}") long truncateMaxBatchSize) {
        this.policyFile = policyFile;
        this.logPath = logPath;
        this.maxSize = maxSize;
        this.maxBackup = maxBackup;
        this.maxAge = maxAge;
        this.compress = compress;
        this.format = format;
        this.mode = mode;
        this.version = version;
        this.truncateEnabled = truncateEnabled;
        this.truncateMaxEventSize = truncateMaxEventSize;
        this.truncateMaxBatchSize = truncateMaxBatchSize;
    }
}
