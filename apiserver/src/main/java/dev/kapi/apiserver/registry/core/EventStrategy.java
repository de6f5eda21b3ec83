package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.GarbageCollectionPolicy;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Events (core/v1, and events.k8s.io/v1 through conversion to this form): kube's validation for the API a
 * request names ({@link EventValidation}), the field selectors ({@code involvedObject.*}, {@code reason},
 * {@code source}, {@code type}, ...) and kubectl's event columns.
 */
public final class EventStrategy implements ResourceStrategy<Event> {

    /** A PUT of a missing one creates it, as in kube. */
    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    private final boolean eventsApi;

    /** The strategy of core v1 Events. */
    public EventStrategy() {
        this(false);
    }

    /** {@code eventsApi}: the strategy of events.k8s.io/v1 requests, whose stricter rules apply too. */
    public EventStrategy(boolean eventsApi) {
        this.eventsApi = eventsApi;
    }

    /** Events take no part in garbage collection (kube's event strategy answers {@code rest.Unsupported}). */
    @Override
    public GarbageCollectionPolicy defaultGarbageCollectionPolicy() {
        return GarbageCollectionPolicy.UNSUPPORTED;
    }

    @Override
    public List<FieldError> validate(Event ev) {
        return EventValidation.create(ev, eventsApi);
    }

    @Override
    public List<FieldError> validateUpdate(Event ev, Event old) {
        return EventValidation.update(ev, old, eventsApi);
    }

    @Override
    public Map<String, String> selectableFields(Event ev) {
        ObjectReference io = ev.getInvolvedObject() == null ? new ObjectReference() : ev.getInvolvedObject();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("involvedObject.kind", nz(io.getKind()));
        f.put("involvedObject.namespace", nz(io.getNamespace()));
        f.put("involvedObject.name", nz(io.getName()));
        f.put("involvedObject.uid", nz(io.getUid()));
        f.put("involvedObject.apiVersion", nz(io.getApiVersion()));
        f.put("involvedObject.resourceVersion", nz(io.getResourceVersion()));
        f.put("involvedObject.fieldPath", nz(io.getFieldPath()));
        f.put("reason", nz(ev.getReason()));
        f.put("reportingComponent", nz(ev.getReportingComponent()));
        f.put("source", ev.getSource() == null ? "" : nz(ev.getSource().getComponent()));
        f.put("type", nz(ev.getType()));
        return f;
    }

    @Override
    public List<TableColumn<Event>> tableColumns() {
        return List.of(
                TableColumn.of("Last Seen", "string", "The time at which the most recent occurrence of this event "
                        + "was recorded.", EventStrategy::lastSeen),
                TableColumn.of("Type", "string", "Type of this event (Normal, Warning), new types could be added in "
                        + "the future", e -> nz(e.getType())),
                TableColumn.of("Reason", "string", "This should be a short, machine understandable string that "
                        + "gives the reason for the transition into the object's current status.", e -> nz(e.getReason())),
                TableColumn.of("Object", "string", "The object that this event is about.", EventStrategy::object),
                TableColumn.wide("Subobject", "string", "If referring to a piece of an object instead of an entire "
                        + "object, this string should contain a valid JSON/Go field access statement.",
                        e -> e.getInvolvedObject() == null ? "" : nz(e.getInvolvedObject().getFieldPath())),
                TableColumn.wide("Source", "string", "The component reporting this event. Should be a short machine "
                        + "understandable string.", EventStrategy::source),
                TableColumn.of("Message", "string", "A human-readable description of the status of this operation.",
                        e -> nz(e.getMessage()).strip()),
                TableColumn.wide("First Seen", "string", "The time at which the event was first recorded.",
                        e -> TableColumn.age(e.getFirstTimestamp())),
                TableColumn.wide("Count", "string", "The number of times this event has occurred.",
                        e -> String.valueOf(e.getCount() == null ? 0 : e.getCount())),
                new TableColumn<>("Name", "string", "name", "Name must be unique within a namespace.", 1,
                        e -> e.getMetadata().getName()));
    }

    static String lastSeen(Event e) {
        String last = firstNonEmpty(e.getLastTimestamp(), e.getEventTime() == null ? null : e.getEventTime().getTime(),
                e.getFirstTimestamp());
        String first = firstNonEmpty(e.getFirstTimestamp(), e.getEventTime() == null ? null : e.getEventTime().getTime());
        String age = TableColumn.age(last);
        int count = e.getCount() == null ? 0 : e.getCount();
        if (count > 1 && first != null) {
            return age + " (x" + count + " over " + TableColumn.humanDuration(
                    Duration.between(Instant.parse(first), Instant.now())) + ")";
        }
        return age;
    }

    static String object(Event e) {
        ObjectReference io = e.getInvolvedObject();
        if (io == null) {
            return "";
        }
        return nz(io.getKind()).toLowerCase(Locale.ROOT) + "/" + nz(io.getName());
    }

    static String source(Event e) {
        String component = e.getSource() == null ? "" : nz(e.getSource().getComponent());
        String host = e.getSource() == null ? "" : nz(e.getSource().getHost());
        if (component.isEmpty()) {
            component = nz(e.getReportingComponent());
            host = nz(e.getReportingInstance());
        }
        return host.isEmpty() ? component : component + ", " + host;
    }

    private static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }
}
