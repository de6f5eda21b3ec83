package dev.kapi.apiserver.storage;

/**
 * Receives the events of one watch, in order, from a backend thread. Implementations must return quickly
 * (hand the event to a queue); a slow listener delays other watches.
 */
@FunctionalInterface
public interface WatchListener {

    void onEvent(WatchEvent event);
}
