package dev.kapi.apiserver.registry.groups.events;

import dev.kapi.apiserver.registry.ConvertedStorageForm;
import dev.kapi.apiserver.registry.ConvertedStrategy;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.core.EventStrategy;
import io.fabric8.kubernetes.api.model.Event;

import java.util.List;
import java.util.Map;

/**
 * events.k8s.io/v1 Events, served over the core v1 Events in {@code /registry/events} as kube-apiserver serves
 * them: a write through either API is seen by a read or watch through the other.
 */
public final class EventsResources {

    /**
     * kube's field label conversion for events.k8s.io/v1: the served labels and the core fields they select.
     */
    static final Map<String, String> FIELD_LABELS = Map.ofEntries(
            Map.entry("reason", "reason"),
            Map.entry("regarding.kind", "involvedObject.kind"),
            Map.entry("regarding.namespace", "involvedObject.namespace"),
            Map.entry("regarding.name", "involvedObject.name"),
            Map.entry("regarding.uid", "involvedObject.uid"),
            Map.entry("regarding.apiVersion", "involvedObject.apiVersion"),
            Map.entry("regarding.resourceVersion", "involvedObject.resourceVersion"),
            Map.entry("regarding.fieldPath", "involvedObject.fieldPath"),
            Map.entry("reportingController", "reportingComponent"),
            Map.entry("type", "type"));

    private EventsResources() {
    }

    public static List<ResourceDefinition<?>> all() {
        return List.of(ResourceDefinition.builder("events.k8s.io", "v1", "events", "Event",
                        io.fabric8.kubernetes.api.model.events.v1.Event.class)
                .shortNames("ev")
                .strategy(new ConvertedStrategy<>(new EventStrategy(true), EventConversion::toCore, ev -> {
                }, FIELD_LABELS))
                .storageForm(new ConvertedStorageForm<>(Event.class, EventConversion::toCore, EventConversion::toEventsV1))
                .build());
    }
}
