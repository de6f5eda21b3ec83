package dev.kapi.admissionwebhooks.server;

/**
 * A reason the webhooks cannot start that the user can act on (a missing certificate file, a malformed label,
 * a cluster that refused the registration): printed as one line, {@code Error: <message>}, and the process exits
 * non-zero.
 */
public class StartupFailure extends RuntimeException {

    public StartupFailure(String message) {
        super(message);
    }

    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
