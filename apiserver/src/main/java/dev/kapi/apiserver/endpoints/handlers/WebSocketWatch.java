package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ApiWatchEvent;
import dev.kapi.apiserver.registry.StoreWatch;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A watch served over WebSocket, as kube-apiserver does for a watch request that asks for an upgrade
 * ({@code Upgrade: websocket}, {@code Connection: Upgrade}): the request is answered 101 Switching
 * Protocols and every event goes out as one text message {@code {"type":..,"object":..}\n}. The first
 * subprotocol the client offers is accepted (the messages are the same whatever it is); what the client
 * sends is ignored. The connection is closed (1000) when the watch times out or ends (after an ERROR
 * event); the watch is closed when the client closes the connection. (Public because Jetty only upgrades
 * to public endpoint classes.)
 */
public final class WebSocketWatch extends Endpoint {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketWatch.class);
    private static final String SERVER_CONTAINER = "jakarta.websocket.server.ServerContainer";

    private final StoreWatch<?> watch;
    private final WatchEventEncoder encoder;
    private final long deadline;
    private volatile WatchPump pump;

    WebSocketWatch(StoreWatch<?> watch, WatchEventEncoder encoder, long deadline) {
        this.watch = watch;
        this.encoder = encoder;
        this.deadline = deadline;
    }

    /** kube's test (wsstream.IsWebSocketRequest): {@code Upgrade: websocket} and an {@code upgrade} Connection token. */
    static boolean requested(HttpServletRequest req) {
        if (!"websocket".equalsIgnoreCase(trim(req.getHeader("Upgrade")))) {
            return false;
        }
        for (String value : java.util.Collections.list(req.getHeaders("Connection"))) {
            for (String token : value.split(",")) {
                if (token.trim().equalsIgnoreCase("upgrade")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Upgrades the request and hands {@code watch} to the WebSocket session, which closes it when done.
     * If the container refuses the handshake (a malformed WebSocket request gets its 400/426 from the
     * container) the watch is closed here.
     */
    static void serve(HttpServletRequest req, HttpServletResponse res, StoreWatch<?> watch,
                      WatchEventEncoder encoder, long deadline) throws IOException {
        if (!(req.getServletContext().getAttribute(SERVER_CONTAINER) instanceof ServerContainer container)) {
            watch.close();
            throw StatusError.internal("unable to start watch: WebSocket is not available");
        }
        WebSocketWatch endpoint = new WebSocketWatch(watch, encoder, deadline);
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(WebSocketWatch.class, "/")
                .configurator(new Configurator(endpoint)).build();
        res.setContentType(encoder.contentType());
        try {
            container.upgradeHttpToWebSocket(req, res, config, Map.of());
        } catch (DeploymentException | RuntimeException e) {
            watch.close();
            throw StatusError.internal("unable to start watch: WebSocket upgrade failed: " + e.getMessage());
        }
        if (res.getStatus() != HttpServletResponse.SC_SWITCHING_PROTOCOLS) {
            watch.close();
        }
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.setMaxIdleTimeout(0);
        // kube ignores anything the client sends; without handlers the container would close on a message
        session.addMessageHandler(String.class, ignored -> { });
        session.addMessageHandler(ByteBuffer.class, ignored -> { });
        WatchPump p = new WatchPump(watch, events -> {
            for (ApiWatchEvent e : events) {
                // one message per event, JSON text with the newline kube's JSON encoder ends it with
                session.getBasicRemote().sendText(new String(encoder.encode(e), StandardCharsets.UTF_8) + "\n");
            }
        }, () -> closeQuietly(session, new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "")));
        pump = p;
        p.start(deadline);
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        stop();
    }

    @Override
    public void onError(Session session, Throwable error) {
        LOG.debug("WebSocket watch failed", error);
        stop();
    }

    private void stop() {
        WatchPump p = pump;
        if (p != null) {
            p.end();
        } else {
            watch.close();
        }
    }

    private static void closeQuietly(Session session, CloseReason reason) {
        try {
            if (session.isOpen()) {
                session.close(reason);
            }
        } catch (IOException | RuntimeException ignored) {
            // already gone
        }
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }

    /** Hands the container this watch's endpoint and accepts the first subprotocol offered. */
    private static final class Configurator extends ServerEndpointConfig.Configurator {
        private final WebSocketWatch endpoint;

        Configurator(WebSocketWatch endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            return endpointClass.cast(endpoint);
        }

        @Override
        public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
            return requested.isEmpty() ? "" : requested.getFirst();
        }

        @Override
        public boolean checkOrigin(String originHeaderValue) {
            return true;
        }
    }
}
