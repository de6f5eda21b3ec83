package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.registry.core.PodBindings;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.EventRecorder;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventSeries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the scheduler tells of its decisions, as kube-scheduler does: events.k8s.io/v1 Events from
 * {@code default-scheduler} (Scheduled, Normal, action Binding; FailedScheduling, Warning, action Scheduling;
 * the same failure again becomes a series of the last Event, as kube's event broadcaster makes it), and the
 * PodScheduled=False condition with reason Unschedulable and the failure's message through {@code pods/status},
 * written only when it changes.
 */
final class SchedulingRecorder {

    static final String SCHEDULER_NAME = "default-scheduler";
    private static final Logger LOG = LoggerFactory.getLogger(SchedulingRecorder.class);
    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX")
            .withZone(java.time.ZoneOffset.UTC);

    /** The last FailedScheduling Event of a pod: its name, note and count. */
    private record Failure(String eventName, String note, int count) {
    }

    private final WritePipeline writes;
    private final Store<Pod> pods;
    private final Store<Event> events;
    private final String instance;
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    SchedulingRecorder(WritePipeline writes, Store<Pod> pods, Store<Event> events) {
        this.writes = writes;
        this.pods = pods;
        this.events = events;
        this.instance = SCHEDULER_NAME + "-" + hostname();
    }

    void scheduled(Pod pod, String node) {
        failures.remove(key(pod));
        create(pod, "Normal", "Scheduled", "Binding", "Successfully assigned " + pod.getMetadata().getNamespace()
                + "/" + pod.getMetadata().getName() + " to " + node);
    }

    void forget(String key) {
        failures.remove(key);
    }

    /** PodScheduled=False with kube's SchedulingGated reason: the pod waits for its gates to be removed. */
    void gated(Pod pod) {
        updateCondition(pod, "SchedulingGated", "Scheduling is blocked due to non-empty scheduling gates");
    }

    /** PodScheduled=False (Unschedulable) with the message, and a FailedScheduling Event. */
    void unschedulable(Pod pod, String message) {
        updateCondition(pod, "Unschedulable", message);
        Failure last = failures.get(key(pod));
        if (last != null && last.note().equals(message) && series(pod, last)) {
            return;
        }
        String name = create(pod, "Warning", "FailedScheduling", "Scheduling", message);
        if (name != null) {
            failures.put(key(pod), new Failure(name, message, 1));
        }
    }

    private boolean series(Pod pod, Failure last) {
        int count = last.count() + 1;
        try {
            writes.update(new WriteScope<>(events, pod.getMetadata().getNamespace(), null, SchedulerControllers.USER,
                    SchedulerControllers.MANAGER, null), last.eventName(), ev -> {
                        ev.setSeries(new EventSeries(count, new MicroTime(now())));
                        return ev;
                    }, OperationOptions.update());
            failures.put(key(pod), new Failure(last.eventName(), last.note(), count));
            return true;
        } catch (StatusError e) {
            return false;
        }
    }

    private String create(Pod pod, String type, String reason, String action, String note) {
        Instant now = Instant.now();
        Event ev = new Event();
        ev.setApiVersion("events.k8s.io/v1");
        ev.setKind("Event");
        ObjectMeta meta = new ObjectMeta();
        meta.setName(EventRecorder.uniqueName(pod.getMetadata().getName(), now));
        meta.setNamespace(pod.getMetadata().getNamespace());
        ev.setMetadata(meta);
        ev.setRegarding(EventRecorder.reference(pod, "v1", "Pod"));
        ev.setEventTime(new MicroTime(MICRO_TIME.format(now)));
        ev.setType(type);
        ev.setReason(reason);
        ev.setAction(action);
        ev.setNote(note.length() > 1024 ? note.substring(0, 1024) : note);
        ev.setReportingController(SCHEDULER_NAME);
        ev.setReportingInstance(instance);
        try {
            writes.create(new WriteScope<>(events, meta.getNamespace(), null, SchedulerControllers.USER,
                    SchedulerControllers.MANAGER, null), ev, OperationOptions.create());
            return meta.getName();
        } catch (StatusError e) {
            LOG.debug("could not record event {} for pod {}: {}", reason, key(pod), e.getMessage());
            return null;
        }
    }

    private void updateCondition(Pod pod, String reason, String message) {
        if (hasCondition(pod, reason, message)) {
            return;
        }
        try {
            writes.update(new WriteScope<>(pods, pod.getMetadata().getNamespace(), "status", SchedulerControllers.USER,
                    SchedulerControllers.MANAGER, null), pod.getMetadata().getName(), current -> {
                        if (!Objects.equals(current.getMetadata().getUid(), pod.getMetadata().getUid())
                                || hasCondition(current, reason, message)) {
                            return current;
                        }
                        setCondition(current, reason, message);
                        return current;
                    }, OperationOptions.update());
        } catch (StatusError e) {
            LOG.debug("could not update the PodScheduled condition of pod {}: {}", key(pod), e.getMessage());
        }
    }

    private static boolean hasCondition(Pod pod, String reason, String message) {
        return pod.getStatus() != null && Resources.list(pod.getStatus().getConditions()).stream()
                .anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                        && reason.equals(c.getReason()) && message.equals(c.getMessage()));
    }

    /** kube's {@code UpdatePodCondition}: lastTransitionTime kept unless the status changes. */
    private static void setCondition(Pod pod, String reason, String message) {
        PodBindings.setScheduledCondition(pod, "False", reason, message);
    }

    private static String now() {
        return MICRO_TIME.format(Instant.now());
    }

    static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
