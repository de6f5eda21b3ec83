package dev.kapi.apiserver.api;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * apimachinery's aggregate error text ({@code utilerrors.NewAggregate(...).Error()}): the one message as it is,
 * several as {@code [a, b]}, each message once, in order.
 */
public final class GoAggregate {

    private GoAggregate() {
    }

    /** The aggregate of {@code messages}; null when there are none. */
    public static String of(Collection<String> messages) {
        Set<String> unique = new LinkedHashSet<>(messages);
        if (unique.isEmpty()) {
            return null;
        }
        return unique.size() == 1 ? unique.iterator().next() : "[" + String.join(", ", unique) + "]";
    }
}
