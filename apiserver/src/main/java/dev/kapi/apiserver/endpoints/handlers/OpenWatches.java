package dev.kapi.apiserver.endpoints.handlers;

import jakarta.servlet.ServletContext;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The watches a server is streaming, so that stopping can end them cleanly (kube-apiserver ends its watches
 * on shutdown): {@link #endAll} closes every watch, whose stream then ends as a watch ends at its timeout,
 * with the last chunk of its chunked response, so a client sees the end of the stream and not a reset. A watch
 * opened after that ends at once, the same way.
 *
 * <p>One per server, found by the watch handler in its servlet context under {@link #ATTRIBUTE}; without one
 * there (a handler used on its own) nothing is tracked.
 */
public final class OpenWatches {

    public static final String ATTRIBUTE = OpenWatches.class.getName();

    private final Set<Runnable> closers = ConcurrentHashMap.newKeySet();
    private volatile boolean ending;

    static OpenWatches of(ServletContext context) {
        return context != null && context.getAttribute(ATTRIBUTE) instanceof OpenWatches w ? w : null;
    }

    /**
     * Tracks one watch until the returned handle is run; {@code close} ends it (at once if the server is
     * already ending its watches). {@code close} must not block.
     */
    Runnable add(Runnable close) {
        closers.add(close);
        if (ending) {
            close.run();
        }
        return () -> closers.remove(close);
    }

    /** Ends every open watch now and every watch opened from now on; returns how many were open. */
    public int endAll() {
        ending = true;
        int n = 0;
        for (Runnable close : closers) {
            close.run();
            n++;
        }
        return n;
    }

    /** How many watches are open. */
    public int size() {
        return closers.size();
    }
}
