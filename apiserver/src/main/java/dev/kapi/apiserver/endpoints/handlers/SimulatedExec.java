package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.Pod;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code exec} and {@code attach} of a pod on a simulated node, over WebSocket as kubectl (1.30 and later),
 * fabric8, client-java, the JavaScript and Python clients open them: the stream protocol kube's kubelet speaks
 * ({@code v5.channel.k8s.io}, {@code v4.channel.k8s.io}, or the legacy {@code channel.k8s.io}; binary messages
 * whose first byte is the channel: 1 stdout, 2 stderr, 3 the final status). Nothing runs on a simulated node, so
 * one line on stdout (else stderr) says what would have run where, then the status channel says Success (v4 and
 * v5: kube's {@code Status} JSON) and the connection closes; a {@code tar} (what {@code kubectl cp} runs) says it
 * on stderr and fails with exit code 1, so that kubectl cp reports it instead of a broken tar stream. What the client sends (stdin, terminal resizes) is
 * read and dropped. The options are checked as the kubelet checks them: a command for exec, at least one of
 * stdin, stdout and stderr.
 */
public final class SimulatedExec implements Session.Listener.AutoDemanding {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedExec.class);
    /** The protocols served, as kube's kubelet names them; the client's order of preference decides. */
    static final List<String> PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io", "channel.k8s.io");
    private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
    private static final byte STDOUT = 1;
    private static final byte STDERR = 2;
    private static final byte ERROR = 3;
    private static final byte[] SUCCESS = "{\"metadata\":{},\"status\":\"Success\"}".getBytes(StandardCharsets.UTF_8);

    private final byte channel;
    private final byte[] line;
    private final boolean statusJson;
    private final byte[] status;

    private SimulatedExec(byte channel, byte[] line, boolean statusJson, byte[] status) {
        this.channel = channel;
        this.line = line;
        this.statusJson = statusJson;
        this.status = status;
    }

    /**
     * kube's status of a command that exited with 1 ({@code NonZeroExitCode}): what {@code tar} answers, since a
     * tar stream that is really a line of text would make {@code kubectl cp} fail with a bare "unexpected EOF".
     */
    private static byte[] exitedWithOne(String[] command) {
        String json = "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero "
                + "exit code: error executing command [" + String.join(" ", command).replace("\\", "\\\\")
                .replace("\"", "\\\"") + "], exit code 1\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":"
                + "[{\"reason\":\"ExitCode\",\"message\":\"1\"}]}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** Serves {@code subresource} (exec or attach) of {@code pod} in {@code container} on simulated {@code node}. */
    static void serve(RequestScope scope, Pod pod, String container, String node) throws IOException {
        HttpServletRequest req = scope.request();
        HttpServletResponse res = scope.response();
        boolean stdout = flag(req, "stdout");
        boolean stderr = flag(req, "stderr");
        if (!stdout && !stderr && !flag(req, "stdin")) {
            throw StatusError.badRequest("you must specify at least 1 of stdin, stdout, stderr");
        }
        String where = "container " + container + " of pod " + pod.getMetadata().getNamespace() + "/"
                + pod.getMetadata().getName();
        String text;
        byte[] status = SUCCESS;
        boolean toStderr = !stdout;
        if (scope.subresource().equals("exec")) {
            String[] command = req.getParameterValues("command");
            if (command == null || command.length == 0) {
                throw StatusError.badRequest("you must specify at least one command for the container");
            }
            if (command[0].equals("tar") && stderr) { // kubectl cp: the line on stderr, and tar's failure
                toStderr = true;
                status = exitedWithOne(command);
            }
            text = "kapi simulated node " + node + ": " + String.join(" ", command) + " did not run in " + where
                    + " (the node runs no processes; this output is simulated)\n";
        } else {
            text = "kapi simulated node " + node + ": " + where + " runs no process, there is nothing to attach "
                    + "to (this output is simulated)\n";
        }
        String refused = WebSocketHandshake.error(req);
        JettyWebSocketServerContainer ws = JettyWebSocketServerContainer.getContainer(req.getServletContext());
        if (refused != null || ws == null) {
            WebSocketHandshake.refuse(req, res, refused);
            return;
        }
        String protocol = negotiate(req);
        if (protocol == null) {
            WebSocketHandshake.refuse(req, res, "unable to upgrade connection: requested protocol(s) are not "
                    + "supported: " + offered(req) + "; supports " + PROTOCOLS);
            return;
        }
        byte[] bytes = stdout || stderr ? text.getBytes(StandardCharsets.UTF_8) : new byte[0];
        SimulatedExec endpoint = new SimulatedExec(toStderr ? STDERR : STDOUT, bytes,
                !protocol.equals("channel.k8s.io"), status);
        try {
            boolean upgraded = ws.upgrade((upgradeReq, upgradeRes) -> {
                if (!protocol.isEmpty()) {
                    upgradeRes.setAcceptedSubProtocol(protocol);
                }
                return endpoint;
            }, req, res);
            if (!upgraded) {
                WebSocketHandshake.refuse(req, res, "not a WebSocket handshake");
            }
        } catch (HttpException.RuntimeException e) {
            WebSocketHandshake.refuse(req, res, e.getReason());
        }
    }

    /** The first protocol the client offers that is served; "" when it offers none (the legacy protocol). */
    private static String negotiate(HttpServletRequest req) {
        List<String> offered = offered(req);
        if (offered.isEmpty()) {
            return "";
        }
        return offered.stream().filter(PROTOCOLS::contains).findFirst().orElse(null);
    }

    private static List<String> offered(HttpServletRequest req) {
        List<String> offered = new ArrayList<>();
        for (String header : java.util.Collections.list(req.getHeaders("Sec-WebSocket-Protocol"))) {
            for (String p : header.split(",")) {
                if (!p.isBlank()) {
                    offered.add(p.trim());
                }
            }
        }
        return offered;
    }

    private static boolean flag(HttpServletRequest req, String name) {
        return TRUE.contains(req.getParameter(name) == null ? "" : req.getParameter(name));
    }

    @Override
    public void onWebSocketOpen(Session session) {
        Runnable close = () -> session.close(StatusCode.NORMAL, "", Callback.NOOP);
        Runnable status = statusJson ? () -> session.sendBinary(frame(ERROR, this.status), Callback.from(close,
                this::failed)) : close;
        if (line.length == 0) {
            status.run();
        } else {
            session.sendBinary(frame(channel, line), Callback.from(status, this::failed));
        }
    }

    private void failed(Throwable cause) {
        LOG.debug("simulated exec stream failed", cause);
    }

    private static ByteBuffer frame(byte channel, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(data.length + 1);
        b.put(channel).put(data).flip();
        return b;
    }
}
