package dev.kapi.apiserver.endpoints.handlers;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Collections;

/**
 * The WebSocket handshake checks shared by the handlers that upgrade a request (a watch, a simulated pod's exec
 * and attach): whether the request asks for an upgrade, whether its headers are a version 13 handshake, and
 * kube's answer when they are not.
 */
final class WebSocketHandshake {

    private WebSocketHandshake() {
    }

    /** kube's test (wsstream.IsWebSocketRequest): {@code Upgrade: websocket} and an {@code upgrade} Connection token. */
    static boolean requested(HttpServletRequest req) {
        if (!"websocket".equalsIgnoreCase(trim(req.getHeader("Upgrade")))) {
            return false;
        }
        for (String value : Collections.list(req.getHeaders("Connection"))) {
            for (String token : value.split(",")) {
                if (token.trim().equalsIgnoreCase("upgrade")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Why the handshake headers are not a version 13 WebSocket handshake, or null if they are. */
    static String error(HttpServletRequest req) {
        if (!"13".equals(trim(req.getHeader("Sec-WebSocket-Version")))) {
            return "bad protocol version";
        }
        return trim(req.getHeader("Sec-WebSocket-Key")).isEmpty() ? "missing Sec-WebSocket-Key" : null;
    }

    /** As kube's WebSocket server: 426 naming the supported version for another version, else 400. */
    static void refuse(HttpServletRequest req, HttpServletResponse res, String why) throws IOException {
        if (res.isCommitted()) {
            return;
        }
        res.reset();
        res.setContentType("text/plain; charset=utf-8");
        if (!"13".equals(trim(req.getHeader("Sec-WebSocket-Version")))) {
            res.setStatus(426);
            res.setHeader("Sec-WebSocket-Version", "13");
            res.getWriter().write("bad protocol version");
        } else {
            res.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            res.getWriter().write(why == null ? "bad WebSocket handshake" : why);
        }
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
