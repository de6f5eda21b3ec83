package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.plugin.limitranger.LimitRanger;
import dev.kapi.apiserver.admission.plugin.priority.PriorityAdmission;
import dev.kapi.apiserver.admission.plugin.serviceaccount.ServiceAccountAdmission;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What the built-in admission plugins read (ServiceAccounts, LimitRanges, PriorityClasses, StorageClasses),
 * from informers as kube's plugins read their listers. While an informer has not listed yet, or its watch
 * failed and it has not listed again, reads go to the store. An object the cache lacks is read from the store
 * (a ServiceAccount or PriorityClass created a moment ago). A namespace whose cache holds no LimitRange is
 * listed from the store and that answer kept {@value #LIVE_TTL_SECONDS} s, kube's live lookup.
 */
final class BuiltinAdmissionReads implements AutoCloseable {

    static final long LIVE_TTL_SECONDS = 30;
    private static final int LIVE_ENTRIES = 10_000;

    private record Live(long expiresNanos, List<LimitRange> items) {
    }

    private final Watched<ServiceAccount> accounts;
    private final Watched<LimitRange> limitRanges;
    private final Watched<PriorityClass> priorityClasses;
    private final Watched<StorageClass> storageClasses;
    private final ConcurrentHashMap<String, Live> liveLimitRanges = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    BuiltinAdmissionReads(StoreRegistry stores) {
        this(stores, System::nanoTime);
    }

    BuiltinAdmissionReads(StoreRegistry stores, LongSupplier nanoTime) {
        this.accounts = new Watched<>(store(stores, "", "serviceaccounts", ServiceAccount.class));
        this.limitRanges = new Watched<>(store(stores, "", "limitranges", LimitRange.class));
        this.priorityClasses = new Watched<>(store(stores, "scheduling.k8s.io", "priorityclasses", PriorityClass.class));
        this.storageClasses = new Watched<>(store(stores, "storage.k8s.io", "storageclasses", StorageClass.class));
        this.nanoTime = nanoTime;
    }

    private static <T extends HasMetadata> Store<T> store(StoreRegistry stores, String group, String resource,
                                                          Class<T> type) {
        return stores.find(group, "v1", resource, type)
                .orElseThrow(() -> new IllegalStateException("admission needs " + resource));
    }

    BuiltinAdmissionReads start() {
        List.of(accounts, limitRanges, priorityClasses, storageClasses).forEach(w -> w.informer.start());
        return this;
    }

    ServiceAccountAdmission.ServiceAccounts serviceAccounts() {
        return accounts::get;
    }

    LimitRanger.LimitRanges limitRanges() {
        return namespace -> {
            List<LimitRange> cached = limitRanges.list(namespace);
            if (!cached.isEmpty()) {
                return cached;
            }
            long now = nanoTime.getAsLong();
            Live live = liveLimitRanges.get(namespace);
            if (live == null || now - live.expiresNanos() >= 0) {
                if (liveLimitRanges.size() >= LIVE_ENTRIES) {
                    liveLimitRanges.clear();
                }
                live = new Live(now + Duration.ofSeconds(LIVE_TTL_SECONDS).toNanos(), limitRanges.read(namespace));
                liveLimitRanges.put(namespace, live);
            }
            return live.items();
        };
    }

    PriorityAdmission.PriorityClasses priorityClasses() {
        return new PriorityAdmission.PriorityClasses() {
            @Override
            public PriorityClass get(String name) {
                return priorityClasses.get(null, name);
            }

            @Override
            public List<PriorityClass> list() {
                return priorityClasses.list(null);
            }
        };
    }

    List<StorageClass> storageClasses() {
        return storageClasses.list(null);
    }

    /** Whether every informer listed once. */
    boolean synced() {
        return informers().stream().allMatch(Informer::hasSynced);
    }

    private List<Informer<?>> informers() {
        return List.of(accounts.informer, limitRanges.informer, priorityClasses.informer, storageClasses.informer);
    }

    @Override
    public void close() {
        Informer.closeAll(informers(), Duration.ZERO);
    }

    /** One resource: its informer's cache while that follows a live watch, the store otherwise. */
    private static final class Watched<T extends HasMetadata> {
        private final Store<T> store;
        private final Informer<T> informer;

        Watched(Store<T> store) {
            this.store = store;
            this.informer = new Informer<>(store, "admission", InformerOptions.DEFAULTS);
        }

        private boolean current() {
            return informer.hasSynced() && informer.isWatching();
        }

        /** The object, or null; read from the store when the cache lacks it. */
        T get(String namespace, String name) {
            T cached = current() ? informer.cache().get(namespace, name) : null;
            if (cached != null) {
                return cached;
            }
            try {
                return store.get(namespace, name);
            } catch (StatusError e) {
                if (e.code() == 404) {
                    return null;
                }
                throw e;
            }
        }

        /** The objects of a namespace (null: cluster-scoped), from the cache when it is current. */
        List<T> list(String namespace) {
            return current() ? informer.cache().list(namespace) : read(namespace);
        }

        List<T> read(String namespace) {
            return new ArrayList<>(store.list(namespace, ListParams.all()).items());
        }
    }
}
