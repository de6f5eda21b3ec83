package dev.kapi.apiserver.server;

import dev.kapi.apiserver.storage.StorageException;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootExceptionReporter;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.core.Ordered;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;

/**
 * Start-up failures an operator can act on are printed as one line on stderr, {@code Error: <reason>},
 * instead of Boot's failure report and its hundreds of stack lines: a {@link StartupFailure} (data dir not
 * writable, embedded store lost), a {@link StorageException} (store corrupt, not a database, etcd
 * unreachable) and a port in use. The process then exits non-zero as for any failed start. Other failures
 * keep Boot's report with the stack trace. Registered in {@code META-INF/spring.factories}, before Boot's own.
 */
public final class StartupFailureReporter implements SpringBootExceptionReporter, Ordered {

    private static final String BIND_FAILED = "Failed to bind to ";

    private final PrintStream err;

    public StartupFailureReporter() {
        this(System.err);
    }

    StartupFailureReporter(PrintStream err) {
        this.err = err;
    }

    @Override
    public boolean reportException(Throwable failure) {
        String reason = reason(failure);
        if (reason == null) {
            return false;
        }
        err.println("Error: " + reason);
        err.flush();
        LoggerFactory.getLogger(StartupFailureReporter.class).debug("the start failed", failure);
        return true;
    }

    /** The one-line reason of the first failure in the cause chain that has one, else null. */
    static String reason(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 50; depth++, t = t.getCause()) {
            if (t instanceof StartupFailure || t instanceof StorageException) {
                return t.getMessage().replaceAll("\\s*\\n\\s*", " ");
            }
            if (t instanceof PortInUseException inUse) {
                return "port " + inUse.getPort() + " is already in use: stop what listens there or choose "
                        + "another --secure-port";
            }
            if (t instanceof IOException io && io.getMessage() != null && io.getMessage().startsWith(BIND_FAILED)
                    && io.getCause() instanceof BindException b) {
                // Jetty's: an address this host does not have (a port in use is Boot's PortInUseException)
                return "cannot listen on " + io.getMessage().substring(BIND_FAILED.length()).replaceFirst("^/", "")
                        + ": " + b.getMessage() + " (see --bind-address and --secure-port)";
            }
        }
        return null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
