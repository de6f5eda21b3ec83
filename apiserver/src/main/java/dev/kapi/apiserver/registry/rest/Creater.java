package dev.kapi.apiserver.registry.rest;

import java.util.function.Consumer;

/**
 * A create that is not a stored object's (kube's {@code rest.NamedCreater}): a review, an eviction, a token
 * request. It gets the object mutating admission handed on and must call {@code validation} (validating
 * admission) on the final object before anything takes effect; validation throws to reject.
 *
 * @param <V> the type of the object created
 * @param <R> what the create answers
 */
@FunctionalInterface
public interface Creater<V, R> {

    R create(V admitted, Consumer<V> validation);
}
