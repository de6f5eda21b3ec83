package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.Status;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What the servlet container answers by itself, for requests that never reach the handler chain or fail
 * outside it. It is both the server's and the servlet context's error handler, so no error is ever
 * re-dispatched to a servlet (there are no error pages):
 * <ul>
 *   <li>malformed HTTP (control characters in a header, a header line without a colon, an unparsable request
 *       line) gets Go's {@code 400 Bad Request: <reason>} as {@code text/plain} with the connection closed, as
 *       Go's HTTP server answers for kube-apiserver;</li>
 *   <li>a request URI the container cannot read ({@code %ZZ}, {@code %00}, {@code //}, an encoded {@code /},
 *       bad UTF-8) gets a 400 {@code Status} in JSON, like every error of the API;</li>
 *   <li>any other error (an exception that escaped the chain) gets a {@code Status} for its code.</li>
 * </ul>
 */
final class ContainerErrors extends ErrorHandler {

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
        String uriProblem = uriProblem(request, cause, message);
        if (uriProblem == null && code == 400 && fromParser(cause)) {
            plainText(response, code, message, callback);
            return;
        }
        Status status = uriProblem != null
                ? StatusError.badRequest("invalid request URI: " + uriProblem).status()
                : StatusError.fromCode(code).status();
        response.setStatus(status.getCode());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (code == 400) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.write(true, ByteBuffer.wrap(Json.bytes(status)), callback);
    }

    /** Why the request URI could not be read, or null when the error is about something else. */
    static String uriProblem(Request request, Throwable cause, String message) {
        HttpURI uri = request == null ? null : request.getHttpURI();
        if (uri != null && uri.hasViolations()) {
            return message == null || message.isBlank() ? "ambiguous or unsafe path" : message;
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (thrownBy(t, HttpURI.class.getName())) {
                return t instanceof NumberFormatException ? "invalid URL escape" : String.valueOf(t.getMessage());
            }
        }
        return null;
    }

    private static boolean fromParser(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (thrownBy(t, "org.eclipse.jetty.http.HttpParser")) {
                return true;
            }
        }
        return false;
    }

    private static boolean thrownBy(Throwable t, String className) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().startsWith(className)) {
                return true;
            }
        }
        return false;
    }

    private static void plainText(Response response, int code, String message, Callback callback) {
        String reason = HttpStatus.getMessage(code);
        String body = code + " " + reason + (message == null || message.isBlank() || message.equals(reason)
                ? "" : ": " + message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
