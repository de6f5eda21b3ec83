package dev.kapi.apiserver.server;

import dev.kapi.apiserver.audit.AuditMetrics;
import dev.kapi.apiserver.audit.AuditSink;
import dev.kapi.apiserver.audit.Auditor;
import dev.kapi.apiserver.audit.BatchBackend;
import dev.kapi.apiserver.audit.BlockingBackend;
import dev.kapi.apiserver.audit.EventSender;
import dev.kapi.apiserver.audit.LogBackend;
import dev.kapi.apiserver.audit.Policy;
import dev.kapi.apiserver.audit.PolicyFile;
import dev.kapi.apiserver.audit.RotatingFile;
import dev.kapi.apiserver.audit.WebhookSender;
import dev.kapi.apiserver.webhook.WebhookTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Auditing from {@link AuditOptions}: a policy file that cannot be used stops the server with the reason in one
 * line (as kube-apiserver refuses to start), whether or not a backend is given; with a policy, every request the
 * policy records goes to the log ({@code --audit-log-path}), to the webhook ({@code --audit-webhook-config-file}),
 * or to both (kube's union backend), each in its own mode ({@link AuditBackendFlags}). Without a policy, or
 * without either backend, nothing is audited.
 */
@Configuration(proxyBeanMethods = false)
public class AuditConfig {

    private static final Logger LOG = LoggerFactory.getLogger(AuditConfig.class);
    /**
     * How long the server's stop waits for batches still queued or being sent, all backends together (kube waits
     * without bound; Kapi's stop must end within {@link ServerShutdown}'s limit).
     */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /** The backends, closed with the context (after the web server stopped): batches still queued are sent. */
    @Bean(destroyMethod = "close")
    AuditBackends auditBackends(AuditOptions o, Environment env, MeterRegistry meters) {
        check(o);
        AuditBackendFlags logFlags = AuditBackendFlags.read(env, "log");
        AuditBackendFlags webhookFlags = AuditBackendFlags.read(env, "webhook");
        if (!o.logPath().isEmpty()) {
            logFlags.check();
        }
        if (!o.webhookConfigFile().isEmpty()) {
            webhookFlags.check();
        }
        Policy policy = null;
        if (!o.policyFile().isEmpty()) {
            try {
                policy = PolicyFile.load(Path.of(o.policyFile()));
            } catch (PolicyFile.InvalidPolicyException e) {
                throw new StartupFailure("--audit-policy-file " + o.policyFile() + ": " + e.getMessage());
            }
        }
        boolean anyBackend = !o.logPath().isEmpty() || !o.webhookConfigFile().isEmpty();
        if (policy == null || !anyBackend) {
            if (policy != null || anyBackend) {
                LOG.info("Auditing is off: it needs --audit-policy-file and --audit-log-path or "
                        + "--audit-webhook-config-file");
            }
            return new AuditBackends(Auditor.DISABLED);
        }
        WebhookTarget target = null;
        if (!o.webhookConfigFile().isEmpty()) { // read before anything is opened: a bad file leaves nothing behind
            try {
                target = WebhookKubeconfig.read(Path.of(o.webhookConfigFile()));
            } catch (IOException | RuntimeException e) {
                throw StartupFailure.of("--audit-webhook-config-file", e);
            }
        }
        AuditMetrics metrics = new AuditMeters(meters);
        List<AuditSink> sinks = new ArrayList<>();
        List<BatchBackend> batches = new ArrayList<>();
        LogBackend log = null;
        if (!o.logPath().isEmpty()) {
            log = new LogBackend(logOutput(o), logFlags.maxEventSize(), metrics);
            sinks.add(backend(logFlags, log, log, batches, metrics));
            LOG.info("Audit events go to {} ({} mode; {} rules in {})",
                    o.logPath().equals("-") ? "standard output" : o.logPath(), logFlags.mode(),
                    policy.rules().size(), o.policyFile());
        }
        if (target != null) {
            WebhookSender sender = new WebhookSender(target, o.webhookInitialBackoff());
            sinks.add(backend(webhookFlags, new BlockingBackend("webhook", webhookFlags.maxEventSize(), sender,
                    metrics), sender, batches, metrics));
            LOG.info("Audit events go to the webhook at {} ({} mode; {} rules in {})", target.uri(),
                    webhookFlags.mode(), policy.rules().size(), o.policyFile());
        }
        boolean strict = logFlags.mode().equals("blocking-strict") && !o.logPath().isEmpty()
                || webhookFlags.mode().equals("blocking-strict") && target != null;
        return new AuditBackends(new Auditor(policy, AuditSink.all(sinks), strict, metrics), batches, log);
    }

    /** The backend in its mode: batched, blocking (failures ignored) or blocking-strict. */
    private static AuditSink backend(AuditBackendFlags flags, AuditSink blocking, EventSender sender,
                                     List<BatchBackend> batches, AuditMetrics metrics) {
        return switch (flags.mode()) {
            case "batch" -> {
                BatchBackend batch = new BatchBackend(flags.backend(), flags.maxEventSize(), sender, flags.batch(),
                        CLOSE_WAIT, metrics);
                batches.add(batch);
                yield batch;
            }
            case "blocking" -> blocking.ignoringFailures();
            default -> blocking;
        };
    }

    private static LogBackend.Output logOutput(AuditOptions o) {
        if (o.logPath().equals("-")) {
            return LogBackend.stdout();
        }
        try {
            return RotatingFile.of(Path.of(o.logPath()), o.maxSize(), o.maxBackup(), o.maxAge(), o.compress()).open();
        } catch (IOException | RuntimeException e) {
            throw new StartupFailure("--audit-log-path " + o.logPath() + ": cannot open the audit log: "
                    + StartupFailure.reason(e), e);
        }
    }

    @Bean
    Auditor auditor(AuditBackends backends) {
        return backends.auditor();
    }

    /**
     * The auditor and what its backends hold open (nothing when auditing is off). Closing stops every batch
     * backend at once and waits for their last sends together, at most {@link #CLOSE_WAIT}, so that the stop
     * stays within the server's own limit ({@link ServerShutdown}); then the log is closed.
     */
    record AuditBackends(Auditor auditor, List<BatchBackend> batches, LogBackend log) implements AutoCloseable {
        AuditBackends(Auditor auditor) {
            this(auditor, List.of(), null);
        }

        @Override
        public void close() throws IOException {
            long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
            batches.forEach(BatchBackend::shutdown);
            batches.forEach(b -> b.awaitSent(deadline));
            if (log != null) {
                log.close();
            }
        }
    }

    /** kube's error for another audit version (checked only for a backend that is on, as kube does). */
    private static final String VERSIONS = "invalid group version, allowed versions are [\"" + PolicyFile.API_VERSION
            + "\"]";

    private static void check(AuditOptions o) {
        if (!o.format().equals("json")) {
            throw new StartupFailure("--audit-log-format=" + o.format() + ": Kapi writes the json format only "
                    + "(kube's legacy format is not supported)");
        }
        if (!o.logPath().isEmpty() && !o.version().equals(PolicyFile.API_VERSION)) {
            throw new StartupFailure("--audit-log-version=" + o.version() + ": " + VERSIONS);
        }
        if (!o.webhookConfigFile().isEmpty() && !o.webhookVersion().equals(PolicyFile.API_VERSION)) {
            throw new StartupFailure("--audit-webhook-version=" + o.webhookVersion() + ": " + VERSIONS);
        }
        if (o.maxSize() < 0 || o.maxBackup() < 0 || o.maxAge() < 0) {
            throw new StartupFailure("--audit-log-maxsize, --audit-log-maxbackup and --audit-log-maxage must not be "
                    + "negative");
        }
    }
}
