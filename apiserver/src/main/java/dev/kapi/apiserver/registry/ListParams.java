package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.function.Predicate;

/**
 * A list request as the registry sees it: which objects ({@code filter}, built from label and field
 * selectors; null = all), which revision ({@code resourceVersion} and {@code resourceVersionMatch} as
 * given, "" when absent), and one page of at most {@code limit} matching objects (0 = all) after
 * {@code continueToken}.
 */
public record ListParams<T extends HasMetadata>(Predicate<T> filter, String resourceVersion,
                                                String resourceVersionMatch, long limit, String continueToken) {

    public static <T extends HasMetadata> ListParams<T> all() {
        return new ListParams<>(null, "", "", 0, null);
    }

    public boolean selectsAll() {
        return filter == null;
    }

    public boolean matches(T obj) {
        return filter == null || filter.test(obj);
    }
}
