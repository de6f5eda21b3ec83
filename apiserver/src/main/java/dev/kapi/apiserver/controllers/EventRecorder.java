package dev.kapi.apiserver.controllers;

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

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A controller's core/v1 Events about the objects it acts on (client-go's {@code EventRecorder}), what
 * {@code kubectl describe} lists. An Event is named {@code <object>.<unix nanos in hex>} (unique in the process),
 * in the object's namespace; its involvedObject names the object (apiVersion and kind {@link Builder#about}'s when
 * set), source.component and reportingComponent are the recorder's component, first and last timestamp the
 * second it was made, count 1. {@link #send} creates Events in order through the {@link WritePipeline} as the
 * recorder's user, on a virtual thread of their own: a controller never waits for them, and one that cannot be
 * written is only logged at debug. A recorder {@link Builder#countingRepeats counting repeats} writes at once
 * instead, and the same Event again about the same object raises the count of the last one, as kube's event
 * correlator does. Without an events store nothing is recorded.
 *
 * <p>Example: {@code EventRecorder.builder(writes, events, user, "job-controller").about("batch/v1", "Job")
 * .build().normal(job, "SuccessfulCreate", "Created pod: work-x7k2p")}.
 */
public final class EventRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    /** The last name suffix given, kept unique across recorders. */
    private static final AtomicLong LAST_NANOS = new AtomicLong();

    /** The last Event a counting recorder wrote about an object. */
    private record Last(String name, String type, String reason, String message) {

        boolean sameAs(Event e) {
            return type.equals(e.getType()) && reason.equals(e.getReason()) && message.equals(e.getMessage());
        }
    }

    private final WritePipeline writes;
    private final Store<Event> events;
    private final UserInfo user;
    private final String manager;
    private final String component;
    private final String apiVersion;
    private final String kind;
    private final String host;
    private final String reportingInstance;
    private final Clock clock;
    /** Per object ({@code namespace/name}), the last Event written; null unless counting repeats. */
    private final Map<String, Last> last;

    private EventRecorder(Builder b) {
        this.writes = b.writes;
        this.events = b.events;
        this.user = b.user;
        this.manager = b.manager;
        this.component = b.component;
        this.apiVersion = b.apiVersion;
        this.kind = b.kind;
        this.host = b.host;
        this.reportingInstance = b.reportingInstance;
        this.clock = b.clock;
        this.last = b.counting ? new ConcurrentHashMap<>() : null;
    }

    /** @param events null when the server has no events store: nothing is recorded */
    public static Builder builder(WritePipeline writes, Store<Event> events, UserInfo user, String component) {
        return new Builder(writes, events, user, component);
    }

    public void normal(HasMetadata object, String reason, String message) {
        record(object, "Normal", reason, message);
    }

    public void warning(HasMetadata object, String reason, String message) {
        record(object, "Warning", reason, message);
    }

    /** An Event of {@code type} ({@code Normal} or {@code Warning}) about the object. */
    public void record(HasMetadata object, String type, String reason, String message) {
        send(List.of(event(reference(object, apiVersion, kind), type, reason, message)));
    }

    /** As {@link #record(HasMetadata, String, String, String)}, with the {@code action} taken or failed. */
    public void record(HasMetadata object, String type, String reason, String action, String message) {
        Event e = event(reference(object, apiVersion, kind), type, reason, message);
        e.setAction(action);
        send(List.of(e));
    }

    /** A reference to the object (namespace, name, uid, resourceVersion); apiVersion and kind its own when null. */
    public static ObjectReference reference(HasMetadata object, String apiVersion, String kind) {
        ObjectMeta m = object.getMetadata();
        ObjectReference ref = new ObjectReference();
        ref.setApiVersion(apiVersion == null ? object.getApiVersion() : apiVersion);
        ref.setKind(kind == null ? object.getKind() : kind);
        ref.setNamespace(m.getNamespace());
        ref.setName(m.getName());
        ref.setUid(m.getUid());
        ref.setResourceVersion(m.getResourceVersion());
        return ref;
    }

    /** kube's Event name {@code <object>.<unix nanos in hex>}, one nanosecond later than the last when taken. */
    public static String uniqueName(String object, Instant now) {
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        return object + "." + Long.toHexString(LAST_NANOS.updateAndGet(l -> Math.max(l + 1, nanos)));
    }

    /** An Event of this recorder about {@code involved}, not written yet. */
    public Event event(ObjectReference involved, String type, String reason, String message) {
        Instant now = clock.instant();
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        Event e = new Event();
        e.setMetadata(new ObjectMeta());
        e.getMetadata().setName(uniqueName(involved.getName(), now));
        e.getMetadata().setNamespace(involved.getNamespace());
        e.setInvolvedObject(involved);
        e.setType(type);
        e.setReason(reason);
        e.setMessage(message);
        EventSource source = new EventSource();
        source.setComponent(component);
        source.setHost(host);
        e.setSource(source);
        e.setReportingComponent(component);
        e.setReportingInstance(reportingInstance);
        e.setFirstTimestamp(time);
        e.setLastTimestamp(time);
        e.setCount(1);
        return e;
    }

    /** Writes the Events in order: on a virtual thread of their own, or at once when counting repeats. */
    public void send(List<Event> all) {
        if (events == null || all.isEmpty()) {
            return;
        }
        if (last != null) {
            all.forEach(this::createOrCount);
            return;
        }
        Thread.ofVirtual().name(component + "-events").start(() -> all.forEach(e -> {
            try {
                writes.create(scope(e), e, OperationOptions.create());
            } catch (RuntimeException failed) {
                dropped(e, failed);
            }
        }));
    }

    /** Forgets the last Event about the object {@code namespace/name} (it is gone): its next one is new. */
    public void forget(String key) {
        if (last != null) {
            last.remove(key);
        }
    }

    private void createOrCount(Event e) {
        String key = e.getMetadata().getNamespace() + "/" + e.getInvolvedObject().getName();
        try {
            Last previous = last.get(key);
            if (previous != null && previous.sameAs(e)) {
                writes.update(scope(e), previous.name(), stored -> {
                    stored.setCount(stored.getCount() == null ? 2 : stored.getCount() + 1);
                    stored.setLastTimestamp(e.getLastTimestamp());
                    return stored;
                }, OperationOptions.update());
                return;
            }
            Event created = writes.create(scope(e), e, OperationOptions.create());
            last.put(key, new Last(created.getMetadata().getName(), e.getType(), e.getReason(), e.getMessage()));
        } catch (RuntimeException failed) {
            last.remove(key);
            dropped(e, failed);
        }
    }

    private WriteScope<Event> scope(Event e) {
        return new WriteScope<>(events, e.getMetadata().getNamespace(), null, user, manager, null);
    }

    private void dropped(Event e, RuntimeException failed) {
        LOG.debug("{}: event {} on {}/{} dropped: {}", component, e.getReason(), e.getMetadata().getNamespace(),
                e.getInvolvedObject().getName(), failed.toString());
    }

    /** The optional parts of a recorder; without them, as the class comment says. */
    public static final class Builder {

        private final WritePipeline writes;
        private final Store<Event> events;
        private final UserInfo user;
        private final String component;
        private String manager;
        private String apiVersion;
        private String kind;
        private String host;
        private String reportingInstance;
        private Clock clock = Clock.systemUTC();
        private boolean counting;

        private Builder(WritePipeline writes, Store<Event> events, UserInfo user, String component) {
            this.writes = writes;
            this.events = events;
            this.user = user;
            this.component = component;
        }

        /** The involved objects' apiVersion and kind, for {@link #normal} and {@link #warning}. */
        public Builder about(String apiVersion, String kind) {
            this.apiVersion = apiVersion;
            this.kind = kind;
            return this;
        }

        /** A node agent's (the kubelet's): source.host and reportingInstance the node, managedFields the component. */
        public Builder onNode(String node) {
            this.host = node;
            this.reportingInstance = node;
            this.manager = component;
            return this;
        }

        /** The reportingInstance of every Event (none by default). */
        public Builder reportingInstance(String instance) {
            this.reportingInstance = instance;
            return this;
        }

        /** The clock of the names and timestamps. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Writes at once, and the same Event again about an object raises the count of the last one. */
        public Builder countingRepeats() {
            this.counting = true;
            return this;
        }

        public EventRecorder build() {
            return new EventRecorder(this);
        }
    }
}
