package dev.kapi.apiserver.controllers.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's TriggerTimeTracker: the value of the {@code endpoints.kubernetes.io/last-change-trigger-time}
 * annotation. A Service seen for the first time gives its creation time; afterwards, the earliest of the
 * trigger times that changed since the last sync (a pod's Ready condition lastTransitionTime, the Service's
 * creation time), or none (null: the annotation is removed). Called for one Service by one worker at a time.
 */
final class TriggerTimes {

    private record State(Instant service, Map<String, Instant> pods) {
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** The trigger time to publish for the Service and the pods it selects, or null. */
    Instant compute(Service svc, List<Pod> pods) {
        String key = ServicePods.key(svc.getMetadata().getNamespace(), svc.getMetadata().getName());
        State previous = states.get(key);
        Instant min = null;
        Map<String, Instant> podTimes = new HashMap<>();
        for (Pod pod : pods) {
            PodCondition ready = ServicePods.readyCondition(pod);
            Instant t = ready == null ? null : parse(ready.getLastTransitionTime());
            if (t != null) {
                podTimes.put(pod.getMetadata().getName(), t);
                Instant before = previous == null ? null : previous.pods().get(pod.getMetadata().getName());
                if (before == null || t.isAfter(before)) {
                    min = min == null || t.isBefore(min) ? t : min;
                }
            }
        }
        Instant created = parse(svc.getMetadata().getCreationTimestamp());
        if (created != null && (previous == null || previous.service() == null || created.isAfter(previous.service()))) {
            min = min == null || created.isBefore(min) ? created : min;
        }
        states.put(key, new State(created, podTimes));
        return previous == null ? created : min;
    }

    void forget(String namespace, String name) {
        states.remove(ServicePods.key(namespace, name));
    }

    /** Go's RFC3339Nano in UTC: the fraction without its trailing zeros. */
    static String format(Instant t) {
        String s = DateTimeFormatter.ISO_INSTANT.format(t);
        int dot = s.indexOf('.');
        if (dot < 0) {
            return s;
        }
        String fraction = s.substring(dot + 1, s.length() - 1).replaceAll("0+$", "");
        return s.substring(0, dot) + (fraction.isEmpty() ? "" : "." + fraction) + "Z";
    }

    private static Instant parse(String time) {
        if (time == null || time.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(time).withOffsetSameInstant(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
