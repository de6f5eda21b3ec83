package dev.kapi.apiserver.server;

import dev.kapi.apiserver.audit.Auditor;
import dev.kapi.apiserver.audit.LogBackend;
import dev.kapi.apiserver.audit.Policy;
import dev.kapi.apiserver.audit.PolicyFile;
import dev.kapi.apiserver.audit.RotatingFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Audit logging from {@link AuditOptions}: a policy file that cannot be used stops the server with the reason
 * in one line (as kube-apiserver refuses to start), whether or not a log path is given; with a policy and a
 * log path every request the policy records is written there. Without either nothing is audited.
 */
@Configuration(proxyBeanMethods = false)
public class AuditConfig {

    private static final Logger LOG = LoggerFactory.getLogger(AuditConfig.class);

    /** The log backend, closed with the context (after the web server stopped). */
    @Bean(destroyMethod = "close")
    AuditLog auditLog(AuditOptions o) {
        check(o);
        Policy policy = null;
        if (!o.policyFile().isEmpty()) {
            try {
                policy = PolicyFile.load(Path.of(o.policyFile()));
            } catch (PolicyFile.InvalidPolicyException e) {
                throw new StartupFailure("--audit-policy-file " + o.policyFile() + ": " + e.getMessage());
            }
        }
        if (policy == null || o.logPath().isEmpty()) {
            if (policy != null || !o.logPath().isEmpty()) {
                LOG.info("Auditing is off: it needs both --audit-policy-file and --audit-log-path");
            }
            return new AuditLog(Auditor.DISABLED, null);
        }
        LogBackend.Output out;
        if (o.logPath().equals("-")) {
            out = LogBackend.stdout();
        } else {
            try {
                out = RotatingFile.of(Path.of(o.logPath()), o.maxSize(), o.maxBackup(), o.maxAge(), o.compress()).open();
            } catch (IOException | RuntimeException e) {
                throw new StartupFailure("--audit-log-path " + o.logPath() + ": cannot open the audit log: "
                        + StartupFailure.reason(e), e);
            }
        }
        LogBackend backend = new LogBackend(out, o.truncateEnabled() ? o.truncateMaxEventSize() : 0);
        LOG.info("Audit events go to {} ({} rules in {})", o.logPath().equals("-") ? "standard output" : o.logPath(),
                policy.rules().size(), o.policyFile());
        return new AuditLog(new Auditor(policy, backend, o.mode().equals("blocking-strict")), backend);
    }

    @Bean
    Auditor auditor(AuditLog log) {
        return log.auditor();
    }

    /** The auditor and the backend it writes to (null when auditing is off). */
    record AuditLog(Auditor auditor, LogBackend backend) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (backend != null) {
                backend.close();
            }
        }
    }

    private static void check(AuditOptions o) {
        if (!o.format().equals("json")) {
            throw new StartupFailure("--audit-log-format=" + o.format() + ": Kapi writes the json format only "
                    + "(kube's legacy format is not supported)");
        }
        if (!o.mode().equals("blocking") && !o.mode().equals("blocking-strict")) {
            throw new StartupFailure("--audit-log-mode=" + o.mode() + ": Kapi supports blocking and blocking-strict "
                    + "(events are written as they happen; batch is not supported)");
        }
        if (!o.version().equals(PolicyFile.API_VERSION)) {
            throw new StartupFailure("--audit-log-version=" + o.version() + ": only " + PolicyFile.API_VERSION
                    + " is supported");
        }
        if (!o.logPath().isEmpty() && o.truncateMaxEventSize() <= 0) { // kube checks them with a log, on or off
            throw new StartupFailure("invalid audit truncate log max event size " + o.truncateMaxEventSize()
                    + ", must be a positive number");
        }
        if (!o.logPath().isEmpty() && o.truncateMaxBatchSize() < o.truncateMaxEventSize()) {
            throw new StartupFailure("invalid audit truncate log max batch size " + o.truncateMaxBatchSize()
                    + ", must be greater than max event size (" + o.truncateMaxEventSize() + ")");
        }
        if (o.maxSize() < 0 || o.maxBackup() < 0 || o.maxAge() < 0) {
            throw new StartupFailure("--audit-log-maxsize, --audit-log-maxbackup and --audit-log-maxage must not be "
                    + "negative");
        }
    }
}
