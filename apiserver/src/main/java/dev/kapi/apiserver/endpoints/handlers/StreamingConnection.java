package dev.kapi.apiserver.endpoints.handlers;

import jakarta.servlet.ServletRequest;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;

/**
 * The idle timeout of the connection under a long-lived stream. Jetty closes a connection on which
 * nothing was read or written for its idle timeout ({@code server.jetty.connection-idle-timeout}), also
 * while a response is streaming; a watch may rightly stay silent for minutes, so its connection stays open
 * until the watch's own deadline, and gets the connector's timeout back when the watch ends (the client
 * may reuse the connection).
 */
final class StreamingConnection {

    private static final long MARGIN_MILLIS = 60_000;

    private StreamingConnection() {
    }

    static void keepOpenUntil(ServletRequest request, long deadlineMillis) {
        EndPoint endPoint = endPoint(request);
        if (endPoint != null) {
            endPoint.setIdleTimeout(Math.max(0, deadlineMillis - System.currentTimeMillis()) + MARGIN_MILLIS);
        }
    }

    static void restoreIdleTimeout(ServletRequest request) {
        ConnectionMetaData meta = metaData(request);
        if (meta != null) {
            meta.getConnection().getEndPoint().setIdleTimeout(meta.getConnector().getIdleTimeout());
        }
    }

    private static EndPoint endPoint(ServletRequest request) {
        ConnectionMetaData meta = metaData(request);
        return meta == null ? null : meta.getConnection().getEndPoint();
    }

    private static ConnectionMetaData metaData(ServletRequest request) {
        ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(request);
        return jetty == null ? null : jetty.getConnectionMetaData();
    }
}
