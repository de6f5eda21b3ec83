package dev.kapi.admissionwebhooks.server;

import org.springframework.boot.SpringBootExceptionReporter;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.core.Ordered;

import java.io.PrintStream;

/**
 * A start-up failure the user can act on (a {@link StartupFailure}, a port in use) is one line on stderr,
 * {@code Error: <reason>}, instead of Boot's report with a stack trace. Registered in
 * {@code META-INF/spring.factories}.
 */
public final class StartupFailureReporter implements SpringBootExceptionReporter, Ordered {

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
        return true;
    }

    /** The one-line reason of the first failure in the cause chain that has one, else null. */
    static String reason(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 50; depth++, t = t.getCause()) {
            if (t instanceof StartupFailure) {
                return t.getMessage().replaceAll("\\s*\\n\\s*", " ");
            }
            if (t instanceof PortInUseException inUse) {
                return "port " + inUse.getPort() + " is already in use: choose another --secure-port";
            }
        }
        return null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
