package dev.kapi.apiserver.server;

import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One connector's deadlines for slow clients (Jetty has an idle timeout, which every byte resets, but no
 * deadline for these): a TLS handshake must finish within {@code handshakeTimeout} of the connection's
 * open, and a request's headers must be complete within {@code headerTimeout}, counted from the open for
 * the first request and from the request's first byte for a later one on a kept-alive connection (Go's
 * {@code ReadHeaderTimeout}, which kube-apiserver sets to 32 s). A connection past its deadline is closed
 * without an answer, as Go does. Once a request's headers are in (a watch, an upload), and while a
 * kept-alive connection waits idle for its next request, only the idle timeouts apply.
 *
 * <p>A {@link Connection.Listener} and {@link SslHandshakeListener} bean of the connector: it learns of
 * every TLS and HTTP/1.1 connection, and a task on the connector's scheduler looks at the open ones a few
 * times per deadline ({@link HttpConnection} is Jetty's internal HTTP/1.1 connection; its parser tells
 * whether the headers are complete).
 */
final class ConnectionDeadlines extends AbstractLifeCycle implements Connection.Listener, SslHandshakeListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionDeadlines.class);

    /** The headers of request number {@code requests + 1} are awaited since {@code sinceNanos}. */
    private record Awaited(long requests, long sinceNanos) {
    }

    private record Handshake(SslConnection connection, long openedNanos) {
    }

    private final Scheduler scheduler;
    private final long headerNanos;
    private final long handshakeNanos;
    private final long periodMillis;
    private final Map<SSLEngine, Handshake> handshakes = new ConcurrentHashMap<>();
    private final Map<HttpConnection, Awaited> requests = new ConcurrentHashMap<>();
    private volatile Scheduler.Task task;

    ConnectionDeadlines(Scheduler scheduler, Duration headerTimeout, Duration handshakeTimeout) {
        this.scheduler = scheduler;
        this.headerNanos = headerTimeout.toNanos();
        this.handshakeNanos = handshakeTimeout.toNanos();
        long shortest = Math.min(headerTimeout.toMillis(), handshakeTimeout.toMillis());
        this.periodMillis = Math.clamp(shortest / 4, 50, 1000);
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof SslConnection tls) {
            handshakes.put(tls.getSSLEngine(), new Handshake(tls, System.nanoTime()));
        } else if (connection instanceof HttpConnection http) {
            requests.put(http, new Awaited(0, System.nanoTime()));
        }
    }

    @Override
    public void onClosed(Connection connection) {
        if (connection instanceof SslConnection tls) {
            handshakes.remove(tls.getSSLEngine());
        } else if (connection instanceof HttpConnection http) {
            requests.remove(http);
        }
    }

    @Override
    public void handshakeSucceeded(Event event) {
        handshakes.remove(event.getSSLEngine());
    }

    @Override
    public void handshakeFailed(Event event, Throwable failure) {
        handshakes.remove(event.getSSLEngine());
    }

    @Override
    protected void doStart() {
        task = scheduler.schedule(this::sweep, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        Scheduler.Task t = task;
        if (t != null) {
            t.cancel();
        }
        handshakes.clear();
        requests.clear();
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            handshakes.values().forEach(h -> {
                if (now - h.openedNanos() > handshakeNanos) {
                    close(h.connection(), "TLS handshake not finished");
                }
            });
            requests.replaceAll((http, awaited) -> check(http, awaited, now));
        } catch (RuntimeException e) {
            LOG.warn("checking slow connections failed", e);
        } finally {
            if (isRunning()) {
                task = scheduler.schedule(this::sweep, periodMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    private Awaited check(HttpConnection http, Awaited awaited, long now) {
        HttpParser parser = http.getParser();
        long served = http.getMessagesIn();
        boolean idleBetweenRequests = served > 0 && parser.isState(HttpParser.State.START)
                && parser.getBeginNanoTime() == 0;
        if (!parser.inHeaderState() || idleBetweenRequests) {
            return awaited;
        }
        Awaited current = awaited.requests() == served ? awaited : new Awaited(served, now);
        if (now - current.sinceNanos() > headerNanos) {
            close(http, "request headers not complete");
        }
        return current;
    }

    private static void close(Connection connection, String why) {
        LOG.debug("closing {}: {} in time", connection, why);
        connection.getEndPoint().close();
    }
}
