package dev.kapi.apiserver.storage;

import java.util.Arrays;

/**
 * The read-modify-write loop behind {@link Storage#guaranteedUpdate} shared by every backend: read the
 * entry, check preconditions, apply the function outside any lock, return the entry untouched when the
 * bytes are equal, otherwise compare-and-swap on the mod revision read; a lost swap re-runs the function
 * on the entry the swap found. How to read and how to swap is the backend's {@link Backend}.
 */
public final class UpdateLoop {

    /** The outcome of one swap: the committed entry, or the entry that is there now (null = absent). */
    public record Swap(boolean committed, KeyValue entry) {
    }

    /** How one backend reads an entry and swaps in a new value. */
    public interface Backend {

        /** The live entry of {@code key}, or null when absent. */
        KeyValue read(String key);

        /**
         * Writes {@code next} only if the key's live entry is still {@code expected} (same mod revision,
         * or still absent when null).
         */
        Swap swap(String key, KeyValue expected, byte[] next);
    }

    private UpdateLoop() {
    }

    /** Runs the loop until a swap commits, the value is unchanged, or a check fails. */
    public static KeyValue update(Backend backend, String key, Preconditions preconditions, boolean ignoreNotFound,
                                  UpdateFunction function) {
        return update(backend, key, preconditions, ignoreNotFound, function, null);
    }

    /**
     * The loop started on {@code cached} (a recent entry of the key, possibly stale) instead of a read: the swap
     * catches a stale one; when a precondition or the function fails on it, or the value comes out unchanged,
     * the key is read, and only when that finds a newer entry is the function run again on it (as kube's
     * {@code GuaranteedUpdate} with a cached object): a function runs twice only on a stale entry.
     */
    public static KeyValue update(Backend backend, String key, Preconditions preconditions, boolean ignoreNotFound,
                                  UpdateFunction function, KeyValue cached) {
        boolean unconfirmed = cached != null && key.equals(cached.key());
        KeyValue current = unconfirmed ? cached : backend.read(key);
        while (true) {
            byte[] next;
            try {
                next = next(key, current, preconditions, ignoreNotFound, function);
            } catch (RuntimeException e) {
                if (!unconfirmed) {
                    throw e;
                }
                KeyValue read = backend.read(key);
                if (sameEntry(read, current)) {
                    throw e; // the entry was current: its failure stands
                }
                current = read;
                unconfirmed = false;
                continue;
            }
            if (current != null && Arrays.equals(next, current.value())) {
                if (!unconfirmed) {
                    return current;
                }
                KeyValue read = backend.read(key);
                if (sameEntry(read, current)) {
                    return read;
                }
                current = read;
                unconfirmed = false;
                continue;
            }
            Swap swap = backend.swap(key, current, next);
            if (swap.committed()) {
                return swap.entry();
            }
            current = swap.entry();
            unconfirmed = false;
        }
    }

    /** Whether two entries of one key are the same write (the mod revision names it). */
    private static boolean sameEntry(KeyValue read, KeyValue cached) {
        return read != null && read.modRevision() == cached.modRevision();
    }

    private static byte[] next(String key, KeyValue current, Preconditions preconditions, boolean ignoreNotFound,
                               UpdateFunction function) {
        if (current == null && !ignoreNotFound) {
            throw notFound(key);
        }
        if (current != null) {
            preconditions.check(current);
        }
        byte[] next = function.apply(current);
        if (next == null) {
            throw new IllegalStateException("the update function of " + key + " returned null");
        }
        return next;
    }

    /** KEY_NOT_FOUND for {@code key}. */
    public static StorageException notFound(String key) {
        return new StorageException(StorageException.Code.KEY_NOT_FOUND, key, "key not found: " + key);
    }
}
