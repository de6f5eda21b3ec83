package dev.kapi.apiserver.storage;

import java.time.Duration;

/**
 * The storage SPI: a versioned key-value store holding each object's JSON under a key such as
 * {@code /registry/configmaps/default/app}. Shaped like kube-apiserver's {@code storage.Interface};
 * every backend (etcd3, the embedded store) passes the same contract suite.
 *
 * <p>Revisions: every successful write returns the store-wide revision it committed at. An object's
 * {@code metadata.resourceVersion} is its {@link KeyValue#modRevision()}; the registry writes it
 * into the object on the way out, so stored values never need to know their own revision.
 *
 * <p>Keys: callers build keys with {@link Keys}, which rejects empty, {@code .}, {@code ..} and
 * {@code /} segments. A prefix passed to {@link #list} or {@link #watch} must end in {@code /}
 * so that {@code /a/} never matches {@code /ab}.
 *
 * <p>Errors: every method throws {@link StorageException} with a {@link StorageException.Code};
 * nothing backend specific escapes.
 *
 * <p>Decorators: a storage may wrap another (the registry's {@code StorageDecorator} puts one in front of
 * each resource's storage; a watch cache will be one) and must then keep this contract, which the shared
 * contract suite checks for a decorated storage as for each backend; {@link ForwardingStorage} passes
 * every call through unchanged.
 */
public interface Storage extends AutoCloseable {

    /**
     * Stores {@code value} under {@code key} only if the key does not exist.
     *
     * @return the stored entry, with its create and mod revision
     * @throws StorageException KEY_EXISTS when the key exists, TOO_LARGE when the backend refuses the value
     */
    KeyValue create(String key, byte[] value);

    /**
     * Reads one key at the revision {@code options} ask for ({@link GetOptions}: the most recent, any, or
     * not older than a revision). A minimum the store has not reached fails before the key is looked at.
     *
     * <p>Example: {@code get("/registry/configmaps/default/app", GetOptions.notOlderThan(130))} on a store
     * at revision 120 fails with TOO_LARGE_RESOURCE_VERSION; at revision 130 or later it answers the value.
     *
     * @throws StorageException KEY_NOT_FOUND when absent; TOO_LARGE_RESOURCE_VERSION as above
     */
    KeyValue get(String key, GetOptions options);

    /** Reads one key at the most recent revision: {@code get(key, GetOptions.MOST_RECENT)}. */
    default KeyValue get(String key) {
        return get(key, GetOptions.MOST_RECENT);
    }

    /**
     * Lists the keys under {@code prefix} in key order, one page at a time, at the revision
     * {@link ListOptions#at()} asks for ({@link ReadRevision}).
     *
     * <p>Example: {@code list("/registry/configmaps/", ListOptions.limit(2))} returns the first two
     * entries, the revision the page was read at and a continue token. Passing that token in the next
     * call ({@code ListOptions.continueFrom(token, 2)}) reads the next two entries at the <em>same</em>
     * revision, so the pages together form one consistent snapshot even while writes go on.
     *
     * @throws StorageException EXPIRED when the exact (or the token's) revision was compacted;
     *                          TOO_LARGE_RESOURCE_VERSION when the exact or minimum revision is ahead of the
     *                          store; INVALID_CONTINUE when the token cannot be decoded
     */
    ListResult list(String prefix, ListOptions options);

    /**
     * Reads the key, applies {@code update} to it and writes the result with compare-and-swap on the
     * entry's mod revision; on a concurrent write it re-reads and calls {@code update} again.
     *
     * <p>Example: ten threads each running {@code guaranteedUpdate(k, NONE, false, kv -> increment(kv))}
     * leave the counter at exactly ten: a swap that lost the race re-runs the function on the new value.
     *
     * <p>{@code preconditions} are checked against every value the function is offered; a mismatch
     * fails with CONFLICT without writing. When {@code update} returns bytes equal to the current value,
     * nothing is written and the current entry is returned (no new revision).
     *
     * @param ignoreNotFound when true, {@code update} is offered {@code null} for an absent key (create on
     *                       update); when false an absent key fails with KEY_NOT_FOUND
     * @throws StorageException KEY_NOT_FOUND, CONFLICT (precondition), TOO_LARGE, or whatever
     *                          {@code update} throws, unchanged
     */
    KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound, UpdateFunction update);

    /**
     * As {@link #guaranteedUpdate(String, Preconditions, boolean, UpdateFunction)}, starting from
     * {@code cached}, a recent entry of the key that may be stale (kube's {@code cachedExistingObject}: a watch
     * cache's, or one the caller just read), instead of reading the key first. The compare-and-swap catches a
     * stale entry; a precondition, the function or an unchanged result that fails on it is tried again on the
     * entry read from storage, so the outcome is the same as without it, one read cheaper when it is current.
     *
     * <p>The default ignores {@code cached}: a backend or decorator that cannot use it (an encrypting one, whose
     * backend holds other bytes) keeps the contract by reading.
     *
     * @param cached a recent entry of {@code key}, or null to read it
     */
    default KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound,
                                      UpdateFunction update, KeyValue cached) {
        return guaranteedUpdate(key, preconditions, ignoreNotFound, update);
    }

    /**
     * Deletes the key if the preconditions hold for its current value (checked and deleted atomically
     * with compare-and-swap; retried when the value changed in between and the preconditions still hold).
     *
     * @return the deleted entry as it was, with {@code modRevision} set to the revision of the deletion
     * @throws StorageException KEY_NOT_FOUND, CONFLICT (precondition)
     */
    KeyValue delete(String key, Preconditions preconditions);

    /**
     * As {@link #delete(String, Preconditions)}, conditioned first on {@code cached}, a recent entry of the key
     * that may be stale, instead of reading it: when the key has changed since, or the preconditions fail on
     * {@code cached}, the current entry is read and checked as without it. The default ignores {@code cached}.
     *
     * @param cached a recent entry of {@code key}, or null to read it
     */
    default KeyValue delete(String key, Preconditions preconditions, KeyValue cached) {
        return delete(key, preconditions);
    }

    /**
     * Watches the keys under a prefix (ending in {@code /}) or one exact key. Events arrive in revision order,
     * each exactly once, on the listener, from a backend thread: the listener must not block.
     *
     * <p>Example: {@code watch("/registry/pods/", WatchOptions.from(120), l)} delivers every change with
     * revision > 120. {@code WatchOptions.from(0)} first delivers every current entry as ADDED (at the
     * revision it was read), then every later change. A revision that was compacted yields a single ERROR
     * event with code EXPIRED, after which the watch is closed.
     *
     * @return a handle; closing it releases everything the watch holds
     */
    WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener);

    /** The store-wide revision of the last committed write. */
    long currentRevision();

    /**
     * The bytes the backend's database takes on disk (kube-apiserver's {@code apiserver_storage_size_bytes}):
     * for etcd the largest member's database file, as each member reports it; -1 when the backend cannot tell or
     * did not answer. It may ask the backend (a round trip per etcd member).
     */
    default long sizeBytes() {
        return -1;
    }

    /** Compacts history before {@code revision}: reads and watches at older revisions fail with EXPIRED. */
    void compact(long revision);

    /**
     * Whether {@link WatchHandle#requestProgress} is answered promptly, in order (every change up to the
     * PROGRESS revision delivered before it) and with the store's current revision. A watch cache then waits
     * for the answer as long as kube does (3 s); otherwise only briefly, as the answer may never reach the
     * current revision. etcd answers so from 3.4.31 and 3.5.13, the embedded store always. False by default:
     * requests are best effort.
     */
    default boolean answersProgressRequests() {
        return false;
    }

    /**
     * Waits at most {@code timeout} until lists under {@code prefix} are answered from this storage's memory at
     * {@code revision} or later (a watch cache primed and caught up to it; 0: primed), for an in-process reader
     * about to read every key (an informer's first list) that should not load the backend while the cache primes
     * from it: a list not older than {@code revision} is then served from memory without a round trip. True when
     * they are, false on timeout (or when the cache cannot tell that it caught up); a storage with no cache (the
     * default) answers true at once. Waiting never changes what a read returns.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    default boolean awaitCached(String prefix, long revision, Duration timeout) throws InterruptedException {
        return true;
    }

    /** True while the backend answers; health checks and readiness use it. */
    boolean isHealthy();

    /**
     * False while writes fail for lack of space: from a write that failed with {@code NO_SPACE} until a
     * write succeeds again (a backend may try a small write of its own to find out). Readiness reports it.
     */
    default boolean hasSpace() {
        return true;
    }

    @Override
    void close();
}
