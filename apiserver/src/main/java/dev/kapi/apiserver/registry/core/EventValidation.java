package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventSeries;
import io.fabric8.kubernetes.api.model.ObjectReference;

import java.util.ArrayList;
import java.util.List;

/**
 * kube's validation of Events, on the core form whichever API wrote them (field paths name core's fields, as
 * kube's do): the legacy rules every Event passes (an involved object in the event's namespace; an Event with
 * an {@code eventTime} names its reporting controller, instance, action and reason), and for events.k8s.io/v1
 * ({@code strict}) the new API's rules: eventTime and a Normal/Warning type required, the deprecated fields
 * unset, a series of at least 2, and on update every field but the series immutable.
 */
final class EventValidation {

    private static final int REPORTING_INSTANCE_LIMIT = 128;
    private static final int ACTION_LIMIT = 128;
    private static final int REASON_LIMIT = 128;
    private static final int NOTE_LIMIT = 1024;

    private EventValidation() {
    }

    static List<FieldError> create(Event ev, boolean strict) {
        List<FieldError> errs = legacy(ev, strict);
        if (!strict) {
            return errs;
        }
        series(ev, errs);
        if (ev.getEventTime() == null || empty(ev.getEventTime().getTime())) {
            errs.add(FieldError.required("eventTime", ""));
        }
        if (!"Normal".equals(ev.getType()) && !"Warning".equals(ev.getType())) {
            errs.add(FieldError.invalid("type", "", "has invalid value: " + nz(ev.getType())));
        }
        if (!empty(ev.getFirstTimestamp())) {
            errs.add(FieldError.invalid("firstTimestamp", "", "needs to be unset"));
        }
        if (!empty(ev.getLastTimestamp())) {
            errs.add(FieldError.invalid("lastTimestamp", "", "needs to be unset"));
        }
        if (ev.getCount() != null && ev.getCount() != 0) {
            errs.add(FieldError.invalid("count", "", "needs to be unset"));
        }
        if (ev.getSource() != null && (!empty(ev.getSource().getComponent()) || !empty(ev.getSource().getHost()))) {
            errs.add(FieldError.invalid("source", "", "needs to be unset"));
        }
        return errs;
    }

    static List<FieldError> update(Event ev, Event old, boolean strict) {
        List<FieldError> errs = legacy(ev, strict);
        if (!strict) {
            return errs;
        }
        if (!Json.sameJson(ev.getSeries(), old.getSeries())) {
            series(ev, errs);
        }
        FieldChecks.immutable(ref(ev.getInvolvedObject()), ref(old.getInvolvedObject()), ev.getInvolvedObject(), "involvedObject", errs);
        FieldChecks.immutable(nz(ev.getReason()), nz(old.getReason()), ev.getReason(), "reason", errs);
        FieldChecks.immutable(nz(ev.getMessage()), nz(old.getMessage()), ev.getMessage(), "message", errs);
        FieldChecks.immutable(ev.getSource(), old.getSource(), ev.getSource(), "source", errs);
        FieldChecks.immutable(nz(ev.getFirstTimestamp()), nz(old.getFirstTimestamp()), ev.getFirstTimestamp(), "firstTimestamp", errs);
        FieldChecks.immutable(nz(ev.getLastTimestamp()), nz(old.getLastTimestamp()), ev.getLastTimestamp(), "lastTimestamp", errs);
        FieldChecks.immutable(count(ev), count(old), count(ev), "count", errs);
        FieldChecks.immutable(nz(ev.getType()), nz(old.getType()), ev.getType(), "type", errs);
        FieldChecks.immutable(nz(ev.getAction()), nz(old.getAction()), ev.getAction(), "action", errs);
        FieldChecks.immutable(ref(ev.getRelated()), ref(old.getRelated()), ev.getRelated(), "related", errs);
        FieldChecks.immutable(nz(ev.getReportingComponent()), nz(old.getReportingComponent()), ev.getReportingComponent(),
                "reportingController", errs);
        FieldChecks.immutable(nz(ev.getReportingInstance()), nz(old.getReportingInstance()), ev.getReportingInstance(),
                "reportingInstance", errs);
        return errs;
    }

    private static List<FieldError> legacy(Event ev, boolean strict) {
        List<FieldError> errs = new ArrayList<>();
        String ns = nz(ev.getMetadata().getNamespace());
        String ioNs = ev.getInvolvedObject() == null ? "" : nz(ev.getInvolvedObject().getNamespace());
        if (ev.getEventTime() == null || empty(ev.getEventTime().getTime())) {
            if (ioNs.isEmpty() ? !ns.isEmpty() && !ns.equals("default") : !ioNs.equals(ns)) {
                errs.add(FieldError.invalid("involvedObject.namespace", ioNs, "does not match event.namespace"));
            }
        } else {
            String controllerField = strict ? "reportingController" : "reportingComponent";
            if (ioNs.isEmpty() && !ns.equals("default") && !ns.equals("kube-system")) {
                errs.add(FieldError.invalid("involvedObject.namespace", ioNs, "does not match event.namespace"));
            }
            String controller = nz(ev.getReportingComponent());
            if (controller.isEmpty()) {
                errs.add(FieldError.required(controllerField, ""));
            }
            NameValidation.qualifiedName(controller).forEach(m -> errs.add(FieldError.invalid(controllerField, controller, m)));
            String instance = nz(ev.getReportingInstance());
            if (instance.isEmpty()) {
                errs.add(FieldError.required("reportingInstance", ""));
            }
            if (instance.length() > REPORTING_INSTANCE_LIMIT) {
                errs.add(FieldError.invalid("reportingInstance", "", "can have at most " + REPORTING_INSTANCE_LIMIT + " characters"));
            }
            limited(nz(ev.getAction()), "action", ACTION_LIMIT, errs);
            limited(nz(ev.getReason()), "reason", REASON_LIMIT, errs);
            if (nz(ev.getMessage()).length() > NOTE_LIMIT) {
                errs.add(FieldError.invalid("message", "", "can be at most " + NOTE_LIMIT + " characters"));
            }
        }
        NameValidation.dns1123Subdomain(ns).forEach(m -> errs.add(FieldError.invalid("namespace", ns, m)));
        return errs;
    }

    private static void limited(String value, String field, int limit, List<FieldError> errs) {
        if (value.isEmpty()) {
            errs.add(FieldError.required(field, ""));
        }
        if (value.length() > limit) {
            errs.add(FieldError.invalid(field, "", "can be at most " + limit + " characters"));
        }
    }

    private static void series(Event ev, List<FieldError> errs) {
        EventSeries s = ev.getSeries();
        if (s == null) {
            return;
        }
        if (s.getCount() == null || s.getCount() < 2) {
            errs.add(FieldError.invalid("series.count", "", "should be at least 2"));
        }
        if (s.getLastObservedTime() == null || empty(s.getLastObservedTime().getTime())) {
            errs.add(FieldError.required("series.lastObservedTime", ""));
        }
    }

    private static ObjectReference ref(ObjectReference r) {
        return r == null ? new ObjectReference() : r;
    }

    private static int count(Event ev) {
        return ev.getCount() == null ? 0 : ev.getCount();
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
