package dev.kapi.apiserver.storage;

/**
 * Receives the events of one watch, in order, from a backend thread. Implementations must return quickly
 * (hand the event to a queue); a slow listener delays other watches. It is called with the fan-out's locks
 * held (and, for the embedded store, the writer's; see {@link WatchFanOut}), so it is the last link of the
 * lock order: it must not block, must not call {@link Storage}, and may take only locks of its own that no
 * other code holds while calling storage. Closing its own {@link WatchHandle} from here is allowed.
 */
@FunctionalInterface
public interface WatchListener {

    void onEvent(WatchEvent event);
}
