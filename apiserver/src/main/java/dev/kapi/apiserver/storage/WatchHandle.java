package dev.kapi.apiserver.storage;

/** An open watch. Closing it (idempotent) stops delivery and releases what the watch holds. */
public interface WatchHandle extends AutoCloseable {

    @Override
    void close();
}
