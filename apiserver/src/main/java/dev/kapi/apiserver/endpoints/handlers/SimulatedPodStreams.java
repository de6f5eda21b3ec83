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
 * {@code follow} ends after that line. A container not started yet and {@code previous} get the kubelet's 400s.
 * {@code portforward}, and {@code exec} and {@code attach} over SPDY, are refused with a 400 saying that the node
 * runs no processes ({@link SimulatedExec} serves them over WebSocket).
 */
final class SimulatedPodStreams {

    /** The annotation that marks a simulated node (the same as the controllers' {@code SimulatedNode}). */
    static final String ANNOTATION = "kapi.dev/simulated-node";
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
        scope.response().getOutputStream().write(body, 0, length);
        scope.response().flushBuffer();
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
