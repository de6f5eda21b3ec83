package dev.kapi.apiserver.server;

/**
 * A reason the server cannot start that the user can act on (a data dir that is not writable, a lost
 * store): printed as one line, without a stack trace, and the process exits non-zero.
 */
public class StartupFailure extends RuntimeException {

    public StartupFailure(String message) {
        super(message);
    }

    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
