package dev.kapi.apiserver.registry.groups.admissionregistration;

import java.util.List;
import java.util.function.Supplier;

/**
 * The items of a decoded list as Go sees them: an absent list is empty and a JSON {@code null} item is the
 * zero value ({@code "webhooks":[null]} is one webhook with no fields, reported field by field, not a 500).
 */
final class Items {

    private Items() {
    }

    static <T> List<T> of(List<T> list, Supplier<T> zero) {
        if (list == null) {
            return List.of();
        }
        return list.stream().map(item -> item == null ? zero.get() : item).toList();
    }

    /** A list of strings with null items read as "". */
    static List<String> strings(List<String> list) {
        return of(list, () -> "");
    }
}
