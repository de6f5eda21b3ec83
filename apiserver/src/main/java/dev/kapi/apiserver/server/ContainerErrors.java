package dev.kapi.apiserver.server;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Answers what never reaches the API (malformed HTTP: control characters in a header, a header line without
 * a colon, an unparsable request line) the way Go's HTTP server answers for kube-apiserver: a short
 * {@code text/plain} body such as {@code 400 Bad Request: <reason>} and the connection closed, instead of
 * Jetty's HTML error page. Everything that reaches the API gets a Kubernetes {@code Status} from the handlers.
 */
final class PlainTextBadRequests extends ErrorHandler {

    @Override
    public boolean errorPageForMethod(String method) {
        return true; // Go writes the body whatever the method; Jetty's default is GET, POST and HEAD only
    }

    @Override
    protected void generateCacheControl(Response response) {
        // Go sends no Cache-Control on these
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        String reason = HttpStatus.getMessage(code);
        String body = code + " " + reason + (message == null || message.isBlank() || message.equals(reason)
                ? "" : ": " + message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
