package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The connect subresources of a pod on a simulated node (a Node annotated {@value #ANNOTATION}{@code : "true"},
 * which Kapi's kubelet stand-in runs; only the annotation of the Node object is read here). {@code pods/log}
 * answers one line that says the container is simulated, honouring {@code tailLines}, {@code limitBytes},
 * {@code timestamps} (the kubelet's fixed-width RFC 3339 stamp), {@code sinceSeconds} and {@code sinceTime}; a
 * {@code follow} of a running container stays open after that line until the container stops, the pod goes or the
 * client leaves. A container not started yet and {@code previous} get the kubelet's 400s.
 * {@code portforward}, and {@code exec} and {@code attach} over SPDY, are refused with a 400 saying that the node
 * runs no processes ({@link SimulatedExec} serves them over WebSocket).
 */
final class SimulatedPodStreams {

    /** The annotation that marks a simulated node (the same as the controllers' {@code SimulatedNode}). */
    static final String ANNOTATION = "kapi.dev/simulated-node";
    /** How often a followed log checks whether its container still runs. */
    static final java.time.Duration FOLLOW_CHECK = java.time.Duration.ofSeconds(1);
    /** The longest a followed log stays open (kube-apiserver's --min-request-timeout is 30 minutes). */
    static final java.time.Duration FOLLOW_LIMIT = java.time.Duration.ofHours(1);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX").withZone(ZoneOffset.UTC);

    private SimulatedPodStreams() {
    }

    static boolean isSimulated(Node node) {
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        return annotations != null && "true".equals(annotations.get(ANNOTATION));
    }

    /**
     * portforward, and exec or attach that do not ask for a WebSocket (SPDY, kubectl before 1.30): nothing runs
     * on a simulated node.
     */
    static StatusError noProcesses(String subresource, Pod pod, String node) {
        String which = subresource.equals("portforward") ? "" : " over SPDY (WebSocket clients, such as kubectl "
                + "1.30 and later, get simulated output)";
        return StatusError.badRequest("node \"" + node + "\" is simulated (" + ANNOTATION + "): it runs no "
                + "processes, so " + subresource + " of pod " + pod.getMetadata().getNamespace() + "/"
                + pod.getMetadata().getName() + " is not available" + which);
    }

    /** Writes the simulated log of the container named by {@code container} (the only one when null). */
    static void log(RequestScope scope, Pod pod, String container) throws IOException {
        String name = container != null && !container.isEmpty() ? container
                : pod.getSpec().getContainers().get(0).getName();
        String podName = pod.getMetadata().getName();
        if ("true".equals(scope.param("previous"))) {
            throw StatusError.badRequest("previous terminated container \"" + name + "\" in pod \"" + podName
                    + "\" not found");
        }
        ContainerStatus status = status(pod.getStatus(), name);
        ContainerState state = status == null ? null : status.getState();
        String what;
        String at;
        if (state != null && state.getRunning() != null) {
            what = "is running";
            at = state.getRunning().getStartedAt();
        } else if (state != null && state.getTerminated() != null) {
            what = "exited with code " + state.getTerminated().getExitCode() + " ("
                    + state.getTerminated().getReason() + ")";
            at = state.getTerminated().getFinishedAt();
        } else {
            String reason = state != null && state.getWaiting() != null && state.getWaiting().getReason() != null
                    ? state.getWaiting().getReason() : "ContainerCreating";
            throw StatusError.badRequest("container \"" + name + "\" in pod \"" + podName
                    + "\" is waiting to start: " + reason);
        }
        Instant time = instant(at);
        List<String> lines = new ArrayList<>();
        if (!before(time, since(scope))) {
            String stamp = "true".equals(scope.param("timestamps")) ? STAMP.format(time) + " " : "";
            lines.add(stamp + "kapi simulated node: container " + name + " of pod " + pod.getMetadata().getNamespace()
                    + "/" + podName + " " + what + " (no real process; logs are simulated)\n");
        }
        Long tail = QueryParams.int64(scope, "tailLines");
        if (tail != null && tail >= 0 && tail < lines.size()) {
            lines = lines.subList(lines.size() - tail.intValue(), lines.size());
        }
        byte[] body = String.join("", lines).getBytes(StandardCharsets.UTF_8);
        Long limit = QueryParams.int64(scope, "limitBytes");
        int length = limit != null && limit >= 0 && limit < body.length ? limit.intValue() : body.length;
        scope.response().setStatus(200);
        scope.response().setContentType("text/plain");
        if ("true".equals(scope.param("follow")) && what.equals("is running")) {
            follow(scope, pod, name, body, length);
            return;
        }
        scope.response().getOutputStream().write(body, 0, length);
        scope.response().flushBuffer();
    }

    /**
     * {@code follow} of a running container: as a kubelet's, the stream stays open after the line (with nothing
     * more to say) until the container stops running, the pod is gone or replaced, or the client leaves; checked
     * every {@link #FOLLOW_CHECK}. The stream frames its own chunks, so that the line reaches the client at once
     * ({@link StreamingConnection}).
     */
    private static void follow(RequestScope scope, Pod pod, String container, byte[] body, int length)
            throws IOException {
        var response = scope.response();
        boolean framed = StreamingConnection.frameChunksOurselves(response);
        StreamingConnection.keepOpenUntil(scope.request(), System.currentTimeMillis() + FOLLOW_LIMIT.toMillis());
        var out = response.getOutputStream();
        if (length > 0) {
            out.write(framed ? StreamingConnection.chunk(body, length) : java.util.Arrays.copyOf(body, length));
        }
        response.flushBuffer();
        Thread following = Thread.currentThread();
        java.util.concurrent.atomic.AtomicBoolean left = new java.util.concurrent.atomic.AtomicBoolean();
        StreamingConnection.onClientClose(scope.request(), () -> {
            left.set(true);
            following.interrupt();
        });
        long end = System.nanoTime() + FOLLOW_LIMIT.toNanos();
        while (!left.get() && System.nanoTime() < end && stillRunning(scope, pod, container)) {
            try {
                Thread.sleep(FOLLOW_CHECK);
            } catch (InterruptedException e) {
                break; // the client left
            }
        }
        Thread.interrupted(); // a late close notice must not fail the last write
        if (framed && !left.get()) {
            out.write(StreamingConnection.LAST_CHUNK);
            response.flushBuffer();
        }
    }

    /** Whether the pod (the same one) is not being deleted and its container still runs. */
    private static boolean stillRunning(RequestScope scope, Pod pod, String container) {
        Pod now;
        try {
            now = (Pod) scope.store().get(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        } catch (StatusError e) {
            return false; // gone (or storage unreachable): the stream ends, as when a kubelet's container goes
        }
        ContainerStatus status = status(now.getStatus(), container);
        return pod.getMetadata().getUid().equals(now.getMetadata().getUid())
                && now.getMetadata().getDeletionTimestamp() == null && status != null && status.getState() != null
                && status.getState().getRunning() != null;
    }

    private static ContainerStatus status(PodStatus status, String container) {
        if (status == null) {
            return null;
        }
        for (List<ContainerStatus> list : List.of(nullToEmpty(status.getContainerStatuses()),
                nullToEmpty(status.getInitContainerStatuses()), nullToEmpty(status.getEphemeralContainerStatuses()))) {
            for (ContainerStatus s : list) {
                if (container.equals(s.getName())) {
                    return s;
                }
            }
        }
        return null;
    }

    /** The earliest time a line may have: {@code sinceTime}, or now less {@code sinceSeconds}; null for any. */
    private static Instant since(RequestScope scope) {
        Long seconds = QueryParams.int64(scope, "sinceSeconds");
        if (seconds != null) {
            return Instant.now().minusSeconds(seconds);
        }
        String time = scope.param("sinceTime");
        if (time == null || time.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(time);
        } catch (DateTimeParseException e) {
            throw StatusError.badRequest("parsing time \"" + time + "\" as \"2006-01-02T15:04:05Z07:00\": cannot parse");
        }
    }

    private static boolean before(Instant time, Instant since) {
        return since != null && time.isBefore(since);
    }

    private static Instant instant(String time) {
        try {
            return time == null ? Instant.EPOCH : Instant.parse(time);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
