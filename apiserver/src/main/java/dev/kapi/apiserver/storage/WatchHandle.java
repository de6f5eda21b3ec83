package dev.kapi.apiserver.storage;

/** An open watch. Closing it (idempotent) stops delivery and releases what the watch holds. */
public interface WatchHandle extends AutoCloseable {

    /**
     * Asks for a prompt PROGRESS event carrying a revision up to which every change was delivered, ideally
     * the store's current one, without waiting for the periodic progress of a quiet watch. A watch cache uses
     * it to catch up to a revision read from the store when its resource is quiet. Best effort: a storage that
     * cannot do it sends nothing more than its periodic PROGRESS. Delivered only to a watch with progressNotify.
     *
     * <p>Example: the store at 130, a watch of {@code /registry/pods/} last told 120 (pods are quiet,
     * configmaps are not): after {@code requestProgress()} it receives PROGRESS 130 shortly.
     */
    default void requestProgress() {
    }

    @Override
    void close();
}
