package dev.kapi.apiserver.storage.encryption;

import dev.kapi.apiserver.storage.ForwardingStorage;
import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.UpdateFunction;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encryption at rest in front of one resource's storage (kube's transformer in its etcd3 store): every value is
 * written in the form the {@link ValueTransformer} gives it ({@code k8s:enc:aescbc:v1:key1:...}) and read back
 * through it, on every path: create, guaranteedUpdate, get, list, delete and watch events (their previous values
 * too). The storage key is the authenticated data. Callers see only plain values; the backend only stored ones.
 *
 * <p>A value no provider reads fails the read with INTERNAL, {@code unable to transform key "<key>": <why>}
 * (kube's message), and is never deleted or overwritten behind the caller's back. A watch meeting one ends
 * with an ERROR event. A guaranteedUpdate of a value read with an older key or provider (stale) writes it again
 * even when the function changes nothing, so rewriting every object moves them all to the first key.
 *
 * <p>The backend cannot check a uid precondition against an encrypted value, so this storage checks it on the
 * plain value and leaves only the mod revision to the backend's compare-and-swap.
 */
public final class EncryptingStorage extends ForwardingStorage {

    private static final int RECENT_EVENTS = 128;

    private final ValueTransformer transformer;
    /** Plain entries of recent watch events by the backend's entry, so every watch of a change shares one. */
    private final Map<KeyValue, KeyValue> recent = new LinkedHashMap<>(RECENT_EVENTS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<KeyValue, KeyValue> eldest) {
            return size() > RECENT_EVENTS;
        }
    };

    public EncryptingStorage(Storage delegate, ValueTransformer transformer) {
        super(delegate);
        this.transformer = transformer;
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        KeyValue created = delegate.create(key, encrypt(key, value));
        return new KeyValue(key, value, created.createRevision(), created.modRevision());
    }

    @Override
    public KeyValue get(String key, GetOptions options) {
        return decrypt(delegate.get(key, options));
    }

    @Override
    public ListResult list(String prefix, ListOptions options) {
        ListResult page = delegate.list(prefix, options);
        return new ListResult(page.items().stream().map(this::decrypt).toList(), page.revision(),
                page.continueToken(), page.remainingItemCount());
    }

    @Override
    public KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound,
                                     UpdateFunction update) {
        String uid = preconditions.uid();
        Preconditions onStored = new Preconditions(null, preconditions.resourceVersion());
        KeyValue written = delegate.guaranteedUpdate(key, onStored, ignoreNotFound, stored -> {
            if (stored == null) {
                return encrypt(key, required(key, update.apply(null)));
            }
            ValueTransformer.Read read = read(stored);
            KeyValue current = new KeyValue(stored.key(), read.value(), stored.createRevision(),
                    stored.modRevision());
            if (uid != null) {
                Preconditions.uid(uid).check(current);
            }
            byte[] next = required(key, update.apply(current));
            // unchanged and already in the current key's form: the stored bytes, which the backend does not write
            return !read.stale() && Arrays.equals(next, read.value()) ? stored.value() : encrypt(key, next);
        });
        return decrypt(written);
    }

    /**
     * Reads the value first, so that one no provider can read is not deleted (as kube, which decodes the object
     * before deleting it), checks the preconditions on the plain value and deletes only that revision; a change
     * in between is read again.
     */
    @Override
    public KeyValue delete(String key, Preconditions preconditions) {
        while (true) {
            KeyValue stored = delegate.get(key);
            KeyValue current = decrypt(stored);
            preconditions.check(current);
            KeyValue deleted;
            try {
                deleted = delegate.delete(key, Preconditions.resourceVersion(stored.modRevision()));
            } catch (StorageException e) {
                if (e.code() == StorageException.Code.CONFLICT) {
                    continue; // changed since it was read: check the preconditions on the new value
                }
                throw e;
            }
            return new KeyValue(key, current.value(), current.createRevision(), deleted.modRevision());
        }
    }

    @Override
    public WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        DecryptingListener decrypting = new DecryptingListener(listener);
        WatchHandle handle = delegate.watch(prefixOrKey, options, decrypting);
        decrypting.attach(handle);
        return handle;
    }

    private static byte[] required(String key, byte[] next) {
        if (next == null) {
            throw new IllegalStateException("the update function of " + key + " returned null");
        }
        return next;
    }

    private byte[] encrypt(String key, byte[] value) {
        try {
            return transformer.toStorage(value, key.getBytes(StandardCharsets.UTF_8));
        } catch (TransformException e) {
            throw new StorageException(StorageException.Code.INTERNAL, key,
                    "unable to transform key \"" + key + "\": " + e.getMessage(), e);
        }
    }

    private ValueTransformer.Read read(KeyValue stored) {
        try {
            return transformer.fromStorage(stored.value(), stored.key().getBytes(StandardCharsets.UTF_8));
        } catch (TransformException e) {
            throw new StorageException(StorageException.Code.INTERNAL, stored.key(),
                    "unable to transform key \"" + stored.key() + "\": " + e.getMessage());
        }
    }

    private KeyValue decrypt(KeyValue stored) {
        byte[] plain = read(stored).value();
        return new KeyValue(stored.key(), plain, stored.createRevision(), stored.modRevision());
    }

    /** The plain entry of a watched change, decrypted once for all the watches that see it. */
    private KeyValue decryptShared(KeyValue stored) {
        if (stored == null || stored.value().length == 0) {
            return stored; // a deletion whose last value the backend no longer had
        }
        synchronized (recent) {
            KeyValue hit = recent.get(stored);
            if (hit != null) {
                return hit;
            }
        }
        KeyValue plain = decrypt(stored);
        synchronized (recent) {
            KeyValue raced = recent.putIfAbsent(stored, plain);
            return raced != null ? raced : plain;
        }
    }

    /**
     * Hands a watch its events with plain values. An event it cannot decrypt ends the watch: an ERROR event
     * (kube's watcher sends the transform error the same way), nothing after it, and the backend's watch closed.
     */
    private final class DecryptingListener implements WatchListener {

        private final WatchListener listener;
        private volatile boolean ended;
        private volatile WatchHandle handle;

        DecryptingListener(WatchListener listener) {
            this.listener = listener;
        }

        void attach(WatchHandle h) {
            handle = h;
            if (ended) {
                h.close();
            }
        }

        @Override
        public void onEvent(WatchEvent event) {
            if (ended) {
                return;
            }
            if (event.current() == null) { // PROGRESS and ERROR carry no value
                ended = event.type() == WatchEvent.Type.ERROR;
                listener.onEvent(event);
                return;
            }
            WatchEvent plain;
            try {
                plain = new WatchEvent(event.type(), decryptShared(event.current()), decryptShared(event.previous()),
                        event.revision(), event.error(), event.moreAtRevision());
            } catch (StorageException e) {
                ended = true;
                listener.onEvent(WatchEvent.error(e));
                WatchHandle h = handle;
                if (h != null) {
                    h.close();
                }
                return;
            }
            listener.onEvent(plain);
        }
    }
}
