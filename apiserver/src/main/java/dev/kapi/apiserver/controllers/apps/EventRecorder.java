package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small client-go {@code EventRecorder}: a core/v1 Event about an object (involvedObject, reason, message,
 * Normal or Warning, source.component and reportingComponent the controller's name), named
 * {@code <object>.<unique hex>} as kube names them, created on a virtual thread so that a reconcile never waits
 * for it; a failed create is only logged at debug. Kube's recorder also aggregates repeated events into counts;
 * this one creates one Event per call.
 */
final class EventRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final AtomicLong SEQUENCE = new AtomicLong(System.nanoTime());

    private final Store<Event> events;
    private final WritePipeline writes;
    private final UserInfo user;
    private final String component;
    private final String apiVersion;
    private final String kind;

    /** @param apiVersion the involved objects' apiVersion and {@code kind}: the objects' own when null */
    EventRecorder(Store<Event> events, WritePipeline writes, UserInfo user, String component, String apiVersion,
                  String kind) {
        this.events = events;
        this.writes = writes;
        this.user = user;
        this.component = component;
        this.apiVersion = apiVersion;
        this.kind = kind;
    }

    void normal(HasMetadata obj, String reason, String message) {
        record(obj, "Normal", reason, message);
    }

    void warning(HasMetadata obj, String reason, String message) {
        record(obj, "Warning", reason, message);
    }

    private void record(HasMetadata obj, String type, String reason, String message) {
        Event e = new Event();
        e.setApiVersion("v1");
        e.setKind("Event");
        ObjectMeta meta = new ObjectMeta();
        meta.setName(obj.getMetadata().getName() + "." + Long.toHexString(SEQUENCE.incrementAndGet()));
        meta.setNamespace(obj.getMetadata().getNamespace());
        e.setMetadata(meta);
        ObjectReference ref = new ObjectReference();
        ref.setApiVersion(apiVersion == null ? obj.getApiVersion() : apiVersion);
        ref.setKind(kind == null ? obj.getKind() : kind);
        ref.setName(obj.getMetadata().getName());
        ref.setNamespace(obj.getMetadata().getNamespace());
        ref.setUid(obj.getMetadata().getUid());
        ref.setResourceVersion(obj.getMetadata().getResourceVersion());
        e.setInvolvedObject(ref);
        e.setReason(reason);
        e.setMessage(message);
        e.setType(type);
        EventSource source = new EventSource();
        source.setComponent(component);
        e.setSource(source);
        String now = ControllerRefs.time(Instant.now());
        e.setFirstTimestamp(now);
        e.setLastTimestamp(now);
        e.setCount(1);
        e.setReportingComponent(component);
        Thread.ofVirtual().name("event-" + component).start(() -> {
            try {
                writes.create(WriteScope.of(events, meta.getNamespace(), user), e, OperationOptions.create());
            } catch (RuntimeException failed) {
                LOG.debug("{}: event {} {} not recorded: {}", component, reason, message, failed.toString());
            }
        });
    }
}
