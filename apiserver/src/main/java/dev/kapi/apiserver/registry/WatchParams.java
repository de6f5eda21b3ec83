package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.function.Predicate;

/**
 * A watch request as the registry sees it: the filter (null = all), where to start
 * ({@code resourceVersion}: "" or "0" = send the current state first; N = changes after N),
 * {@code resourceVersionMatch}, whether BOOKMARKs are wanted, and {@code sendInitialEvents}
 * (null when the client did not say).
 */
public record WatchParams<T extends HasMetadata>(Predicate<T> filter, String resourceVersion,
                                                 String resourceVersionMatch, boolean allowBookmarks,
                                                 Boolean sendInitialEvents) {

    public boolean matches(T obj) {
        return filter == null || filter.test(obj);
    }
}
