package dev.kapi.apiserver.endpoints.tokens;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountLookup;
import dev.kapi.apiserver.registry.ApiWatchEvent;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreWatch;
import dev.kapi.apiserver.registry.WatchParams;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link ServiceAccountLookup} of the server: an in-memory view of the uids of every ServiceAccount,
 * Pod, Secret and Node, fed by one watch per kind (re-listed whenever the watch ends, e.g. on ERROR).
 * A token whose objects the view knows is answered from memory; anything the view does not confirm (not
 * synced yet, an object created a moment ago, a uid that differs) is checked by reading the store, as
 * kube's token getter falls back from its informers to a live GET.
 */
public final class WatchedServiceAccountLookup implements ServiceAccountLookup, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WatchedServiceAccountLookup.class);

    private final BoundObjects objects;
    private final Map<String, KindView> views = new HashMap<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public WatchedServiceAccountLookup(BoundObjects objects) {
        this.objects = objects;
        for (String kind : BoundObjects.RESOURCES.keySet()) {
            views.put(kind, new KindView(kind));
        }
    }

    /** Starts the watches (daemon threads); until a kind is synced its lookups read the store. */
    public WatchedServiceAccountLookup start() {
        for (KindView v : views.values()) {
            Thread t = new Thread(v::run, "token-lookup-" + v.kind);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return this;
    }

    @Override
    public boolean exists(String kind, String namespace, String name, String uid) {
        KindView view = views.get(kind);
        if (view == null) {
            return false;
        }
        if (uid.equals(view.uid(key(namespace, name)))) {
            return true;
        }
        try {
            HasMetadata obj = objects.get(kind, namespace, name);
            return uid.equals(obj.getMetadata().getUid());
        } catch (StatusError e) {
            if (e.code() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** Whether every kind's view has its initial state (for tests and readiness). */
    public boolean synced() {
        return views.values().stream().allMatch(v -> v.synced);
    }

    /**
     * Ends the watches and interrupts their threads (a storage call they wait in ends at once); waits for
     * nothing. No lock: lookups read volatile maps, the threads share nothing else.
     */
    @Override
    public void close() {
        closed = true;
        views.values().forEach(KindView::stop);
        threads.forEach(Thread::interrupt);
    }

    private static String key(String namespace, String name) {
        return (namespace == null ? "" : namespace) + "/" + name;
    }

    /** The uids of one kind's objects by namespace/name, kept by a watch. */
    private final class KindView {
        private final String kind;
        private volatile Map<String, String> uids = new ConcurrentHashMap<>();
        private volatile boolean synced;
        private volatile StoreWatch<HasMetadata> watch;

        KindView(String kind) {
            this.kind = kind;
        }

        String uid(String key) {
            return synced ? uids.get(key) : null;
        }

        void run() {
            while (!closed) {
                try {
                    watchOnce();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    LOG.debug("watch of {} for token lookups failed, re-listing: {}", kind, e.getMessage());
                    sleepQuietly();
                }
            }
        }

        /** Lists the current state through a watch with initial events, then follows changes until it ends. */
        private void watchOnce() throws InterruptedException {
            Store<HasMetadata> store = objects.store(kind);
            Map<String, String> initial = new HashMap<>();
            boolean initialDone = false;
            try (StoreWatch<HasMetadata> w = store.watcher().open(null,
                    new WatchParams<>(null, "", "NotOlderThan", true, true))) {
                watch = w;
                while (!closed && !w.isClosed()) {
                    for (ApiWatchEvent e : w.poll(1000)) {
                        if (e.type().equals("ERROR")) {
                            synced = false;
                            sleepQuietly();
                            return;
                        }
                        if (e.type().equals("BOOKMARK")) {
                            if (!initialDone && initialEventsEnd(e)) {
                                initialDone = true;
                                uids = new ConcurrentHashMap<>(initial);
                                synced = true;
                            }
                            continue;
                        }
                        apply(initialDone ? uids : initial, e);
                    }
                }
            } finally {
                synced = false;
                watch = null;
            }
        }

        private static boolean initialEventsEnd(ApiWatchEvent e) {
            ObjectMeta m = ((HasMetadata) e.object()).getMetadata();
            return m.getAnnotations() != null && "true".equals(m.getAnnotations().get("k8s.io/initial-events-end"));
        }

        private static void apply(Map<String, String> into, ApiWatchEvent e) {
            ObjectMeta m = ((HasMetadata) e.object()).getMetadata();
            String key = key(m.getNamespace(), m.getName());
            if (e.type().equals("DELETED")) {
                into.remove(key);
            } else if (m.getUid() != null) {
                into.put(key, m.getUid());
            }
        }

        void stop() {
            StoreWatch<HasMetadata> w = watch;
            if (w != null) {
                w.close();
            }
        }

        private void sleepQuietly() {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
