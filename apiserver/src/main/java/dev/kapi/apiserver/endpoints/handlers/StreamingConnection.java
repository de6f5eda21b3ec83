package dev.kapi.apiserver.endpoints.handlers;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;
import org.eclipse.jetty.ee11.servlet.ServletContextResponse;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

/**
 * The connection under a long-lived stream (Jetty specific). Its idle timeout: Jetty closes a connection on which
 * nothing was read or written for its idle timeout ({@code server.jetty.connection-idle-timeout}), also
 * while a response is streaming; a watch may rightly stay silent for minutes, so its connection stays open
 * until the watch's own deadline (the connection closes when the watch ends). That timeout is not what
 * bounds a write blocked by a client that stopped reading: the writer does, closing the connection
 * ({@link #closer}) when a write makes no progress for long ({@link WatchPump#WRITE_PROGRESS_TIMEOUT}). And
 * the client leaving an idle stream is noticed at once ({@link #onClientClose}).
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

    /**
     * Makes the response a chunked stream whose chunks this server frames itself, each complete when
     * flushed: {@code Connection: close} (so Jetty writes the body as it is and closes the connection at
     * its end) and a {@code Transfer-Encoding: chunked} header that Jetty passes through as an unknown
     * header. Jetty's own chunking sends a chunk's closing CRLF only with the next chunk, so a client that
     * reads chunks strictly (Python's urllib3, for one) would see every watch event only when the next one
     * comes. The caller writes {@link #chunk} for every flush and {@link #LAST_CHUNK} at the end; false (nothing
     * done) when the response is not Jetty's.
     */
    static boolean frameChunksOurselves(ServletResponse response) {
        ServletContextResponse jetty;
        try {
            jetty = ServletContextResponse.getServletContextResponse(response);
        } catch (IllegalStateException e) {
            jetty = null;
        }
        if (jetty == null) {
            return false; // not Jetty's (a unit test's mock): the body goes as it is written
        }
        ((jakarta.servlet.http.HttpServletResponse) response).setHeader("Connection", "close");
        jetty.getHeaders().add(new HttpField((HttpHeader) null, "Transfer-Encoding", "chunked"));
        return true;
    }

    /** The end of a chunked body: the zero-size chunk and an empty trailer. */
    static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What ends every chunk (after its data). */
    static final byte[] CRLF = {'\r', '\n'};

    /** What starts a chunk of {@code length} bytes: the size in hex and CRLF; the data and {@link #CRLF} follow. */
    static byte[] chunkHeader(int length) {
        return (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * What closes the request's connection at once (a write blocked on it then fails), from any thread; does
     * nothing when the request is not Jetty's.
     */
    static Runnable closer(ServletRequest request) {
        EndPoint endPoint = endPoint(request);
        if (endPoint == null) {
            return () -> { };
        }
        return () -> endPoint.close(new TimeoutException("the client read nothing of the stream for too long"));
    }

    /** One complete chunk: size in hex, CRLF, the data, CRLF. */
    static byte[] chunk(byte[] data, int length) {
        byte[] size = chunkHeader(length);
        byte[] out = new byte[size.length + length + 2];
        System.arraycopy(size, 0, out, 0, size.length);
        System.arraycopy(data, 0, out, size.length, length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    /**
     * Runs {@code action} once the client closes the connection. Jetty does not read from a connection
     * while its request is being answered, so nothing would notice a client that left an idle watch until
     * the next write; this waits for the connection to become readable and reads nothing but the close
     * (TLS records without data are consumed). The watch response says {@code Connection: close}
     * ({@link #frameChunksOurselves}), so the connection is not reused by Jetty's own reads afterwards. A client that sends more bytes on the stream
     * (pipelining, which watch clients do not do) stops the check; then the next write notices.
     */
    static void onClientClose(ServletRequest request, Runnable action) {
        if (!"HTTP/1.1".equals(request.getProtocol())) {
            return; // HTTP/2 would share the connection among streams (the server offers HTTP/1.1 only)
        }
        EndPoint endPoint = endPoint(request);
        if (endPoint != null) {
            endPoint.tryFillInterested(new CloseCheck(endPoint, action));
        }
    }

    /**
     * Runs the action on a thread of its own: Jetty may fail the fill interest from inside a write that
     * found the connection closed, and ending the response there (completing the async context cancels the
     * write in progress) made Jetty's write cancellation spin forever on the writing thread.
     */
    private record CloseCheck(EndPoint endPoint, Runnable action) implements Callback {
        @Override
        public void succeeded() {
            try {
                int read = endPoint.fill(BufferUtil.EMPTY_BUFFER);
                if (read < 0) {
                    runAction();
                } else if (read == 0 && endPoint.isOpen() && !endPoint.isInputShutdown()) {
                    endPoint.tryFillInterested(this);
                }
            } catch (IOException | RuntimeException e) {
                runAction();
            }
        }

        @Override
        public void failed(Throwable cause) {
            runAction();
        }

        private void runAction() {
            Thread.ofVirtual().name("client-closed").start(action);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }

    private static EndPoint endPoint(ServletRequest request) {
        ConnectionMetaData meta = metaData(request);
        return meta == null ? null : meta.getConnection().getEndPoint();
    }

    private static ConnectionMetaData metaData(ServletRequest request) {
        ServletContextRequest jetty;
        try {
            jetty = ServletContextRequest.getServletContextRequest(request);
        } catch (IllegalStateException e) {
            return null; // not Jetty's (a unit test's mock)
        }
        return jetty == null ? null : jetty.getConnectionMetaData();
    }
}
