package dev.kapi.apiserver.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Meters of one metric by their tag values, each built and registered once: building and registering a meter on
 * every call (tags sorted, the registry's map searched) cost more than a create's admission itself.
 */
final class TaggedMeters<M> {

    private final Map<List<String>, M> meters = new ConcurrentHashMap<>();
    private final Function<List<String>, M> make;

    TaggedMeters(Function<List<String>, M> make) {
        this.make = make;
    }

    M get(String... tagValues) {
        List<String> key = List.of(tagValues);
        M meter = meters.get(key);
        return meter != null ? meter : meters.computeIfAbsent(key, make);
    }
}
