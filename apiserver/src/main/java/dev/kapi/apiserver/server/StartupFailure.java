package dev.kapi.apiserver.server;

/**
 * A reason the server cannot start that the user can act on (a data dir that is not writable, a lost
 * store): printed as one line, without a stack trace, and the process exits non-zero.
 */
public class StartupFailure extends RuntimeException {

    /**
     * A flag whose value the server could not use ({@code flag} with its dashes): {@code e}'s reason after the
     * flag's name, a file that cannot be read in Go's words ({@code open /x: no such file or directory}).
     */
    static StartupFailure of(String flag, Throwable e) {
        return new StartupFailure(flag + ": " + reason(e), e);
    }

    /** {@code e}'s message, or for a file that cannot be read Go's {@code open <path>: <why>}. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.nio.file.NoSuchFileException n) {
                return "open " + n.getFile() + ": no such file or directory";
            }
            if (t instanceof java.nio.file.AccessDeniedException a) {
                return "open " + a.getFile() + ": permission denied";
            }
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    public StartupFailure(String message) {
        super(message);
    }

    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
