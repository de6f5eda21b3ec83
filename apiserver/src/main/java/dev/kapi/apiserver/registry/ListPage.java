package dev.kapi.apiserver.registry;

import java.util.List;

/** One page of a list: the items, the list's resourceVersion, the continue token and remaining count (or null). */
public record ListPage<T>(List<T> items, String resourceVersion, String continueToken, Long remainingItemCount) {
}
