package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ApiWatchEvent;
import dev.kapi.apiserver.registry.StoreWatch;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee11.websocket.server.JettyWebSocketServerContainer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A watch served over WebSocket, as kube-apiserver does for a watch request that asks for an upgrade
 * ({@code Upgrade: websocket}, {@code Connection: Upgrade}): the request is answered 101 Switching
 * Protocols and every event goes out as one text message {@code {"type":..,"object":..}\n}. The first
 * subprotocol the client offers is accepted (the messages are the same whatever it is); what the client
 * sends is ignored. The connection is closed (1000) when the watch times out or ends (after an ERROR
 * event); the watch is closed when the client closes the connection.
 * <p>
 * Served with Jetty's native WebSocket API: a Jakarta WebSocket session carries per-session tables of
 * default encoders and decoders (several KB of heap for every idle watch) that a watch never uses. (Public
 * because Jetty only calls the listener methods of public endpoint classes.)
 */
public final class WebSocketWatch implements Session.Listener.AutoDemanding {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketWatch.class);
    /** How long a send may wait beyond the watch's deadline (a client that stopped reading). */
    private static final long SEND_GRACE_MILLIS = 5_000;

    private final StoreWatch<?> watch;
    private final WatchEventEncoder encoder;
    private final long deadline;
    private volatile WatchPump pump;

    WebSocketWatch(StoreWatch<?> watch, WatchEventEncoder encoder, long deadline) {
        this.watch = watch;
        this.encoder = encoder;
        this.deadline = deadline;
    }

    /**
     * Upgrades the request and hands {@code watch} to the WebSocket session, which closes it when done.
     * A handshake the container refuses (a malformed WebSocket request) is answered 400, or 426 for an
     * unsupported {@code Sec-WebSocket-Version}, and the watch is closed here.
     */
    static void serve(HttpServletRequest req, HttpServletResponse res, StoreWatch<?> watch,
                      WatchEventEncoder encoder, long deadline) throws IOException {
        JettyWebSocketServerContainer container = JettyWebSocketServerContainer.getContainer(req.getServletContext());
        if (container == null) {
            watch.close();
            throw StatusError.internal("unable to start watch: WebSocket is not available");
        }
        String refused = WebSocketHandshake.error(req);
        if (refused != null) { // refused here: Jetty would leave the response to us and log a warning
            watch.close();
            WebSocketHandshake.refuse(req, res, refused);
            return;
        }
        WebSocketWatch endpoint = new WebSocketWatch(watch, encoder, deadline);
        res.setContentType(encoder.contentType());
        boolean upgraded;
        try {
            upgraded = container.upgrade((upgradeReq, upgradeRes) -> {
                List<String> offered = upgradeReq.getSubProtocols();
                if (!offered.isEmpty()) {
                    upgradeRes.setAcceptedSubProtocol(offered.getFirst());
                }
                return endpoint;
            }, req, res);
        } catch (HttpException.RuntimeException e) {
            watch.close();
            WebSocketHandshake.refuse(req, res, e.getReason());
            return;
        } catch (RuntimeException e) {
            watch.close();
            throw StatusError.internal("unable to start watch: WebSocket upgrade failed: " + e.getMessage());
        }
        if (!upgraded) {
            watch.close();
            WebSocketHandshake.refuse(req, res, "not a WebSocket handshake");
        } else if (res.getStatus() != HttpServletResponse.SC_SWITCHING_PROTOCOLS) {
            watch.close();
        }
    }

    @Override
    public void onWebSocketOpen(Session session) {
        session.setIdleTimeout(Duration.ZERO); // a silent watch stays open until its deadline
        WatchPump p = new WatchPump(watch, new WatchPump.Sink() {
            @Override
            public long write(ApiWatchEvent e, Runnable progressed) throws IOException {
                // one message per event, JSON text with the newline kube's JSON encoder ends it with
                WatchEventEncoder.Line line = encoder.line(e);
                send(session, line.text());
                return line.length();
            }

            @Override
            public void abort() {
                session.disconnect(); // fails the send that waits: the client stopped reading
            }
        }, () -> {
            if (session.isOpen()) {
                session.close(StatusCode.NORMAL, "", Callback.NOOP);
            }
        });
        pump = p;
        p.start(deadline); // a watch already closed by stop() ends the pump at once
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        stop();
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("WebSocket watch failed", cause);
        stop();
    }

    /**
     * Sends one message and waits until it is written, at most until a little after the watch's deadline;
     * a client that stops reading is disconnected sooner, by the pump's write-progress timeout.
     */
    private void send(Session session, String text) throws IOException {
        Callback.Completable sent = new Callback.Completable();
        session.sendText(text, sent);
        long wait = Math.max(0, deadline - System.currentTimeMillis()) + SEND_GRACE_MILLIS;
        try {
            sent.get(wait, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted sending a watch event");
        } catch (ExecutionException e) {
            throw new IOException("sending a watch event failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the client did not read a watch event in time", e);
        }
    }

    private void stop() {
        WatchPump p = pump;
        if (p != null) {
            p.end();
        } else {
            watch.close();
        }
    }
}
