package dev.kapi.apiserver.controllers.autoscaling;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The core/v1 Events the HPA controller records on an HPA, what {@code kubectl describe hpa} lists: source
 * {@code horizontal-pod-autoscaler}; {@code SuccessfulRescale} ("New size: N; reason: ..."), and Warnings
 * {@code FailedGetScale}, {@code FailedGetResourceMetric} (or another type's), {@code FailedRescale}. The same
 * event again on the same HPA raises the count of the last one, as kube's event correlator does. An event that
 * cannot be written is dropped (logged at debug).
 */
final class HpaEvents {

    static final String COMPONENT = "horizontal-pod-autoscaler";
    private static final Logger LOG = LoggerFactory.getLogger(HpaEvents.class);

    private record Last(String name, String type, String reason, String message) {
    }

    private final WritePipeline writes;
    private final Store<Event> events;
    private final Clock clock;
    private final Map<String, Last> last = new ConcurrentHashMap<>();
    private final AtomicLong lastNanos = new AtomicLong();

    /** @param events null when the server has no events store: nothing is recorded */
    HpaEvents(WritePipeline writes, Store<Event> events, Clock clock) {
        this.writes = writes;
        this.events = events;
        this.clock = clock;
    }

    void normal(HorizontalPodAutoscaler hpa, String reason, String message) {
        record(hpa, "Normal", reason, message);
    }

    void warning(HorizontalPodAutoscaler hpa, String reason, String message) {
        record(hpa, "Warning", reason, message);
    }

    void forget(String key) {
        last.remove(key);
    }

    private void record(HorizontalPodAutoscaler hpa, String type, String reason, String message) {
        if (events == null) {
            return;
        }
        String namespace = hpa.getMetadata().getNamespace();
        String key = namespace + "/" + hpa.getMetadata().getName();
        String time = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        WriteScope<Event> scope = WriteScope.of(events, namespace, HorizontalPodAutoscalerController.USER);
        try {
            Last previous = last.get(key);
            if (previous != null && previous.type.equals(type) && previous.reason.equals(reason)
                    && previous.message.equals(message)) {
                writes.update(scope, previous.name, e -> {
                    e.setCount(e.getCount() == null ? 2 : e.getCount() + 1);
                    e.setLastTimestamp(time);
                    return e;
                }, OperationOptions.update());
                return;
            }
            Event created = writes.create(scope, event(hpa, type, reason, message, time), OperationOptions.create());
            last.put(key, new Last(created.getMetadata().getName(), type, reason, message));
        } catch (RuntimeException e) {
            last.remove(key);
            LOG.debug("event {} on HPA {} dropped: {}", reason, key, e.toString());
        }
    }

    private Event event(HorizontalPodAutoscaler hpa, String type, String reason, String message, String time) {
        Instant now = clock.instant();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        return new EventBuilder().withNewMetadata()
                .withName(hpa.getMetadata().getName() + "."
                        + Long.toHexString(lastNanos.updateAndGet(l -> Math.max(l + 1, nanos))))
                .withNamespace(hpa.getMetadata().getNamespace()).endMetadata()
                .withNewInvolvedObject().withApiVersion("autoscaling/v2").withKind("HorizontalPodAutoscaler")
                .withNamespace(hpa.getMetadata().getNamespace()).withName(hpa.getMetadata().getName())
                .withUid(hpa.getMetadata().getUid()).withResourceVersion(hpa.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent(COMPONENT).endSource().withReportingComponent(COMPONENT)
                .withFirstTimestamp(time).withLastTimestamp(time).withCount(1).build();
    }
}
