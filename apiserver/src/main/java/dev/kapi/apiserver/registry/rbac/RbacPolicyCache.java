package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.authz.rbac.PolicySnapshot;
import dev.kapi.apiserver.authz.rbac.RbacPolicy;
import dev.kapi.apiserver.registry.ApiWatchEvent;
import dev.kapi.apiserver.registry.ListPage;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.StoreWatch;
import dev.kapi.apiserver.registry.WatchParams;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The in-memory RBAC policy the authorizer reads (an informer cache): lists roles, cluster roles and both
 * kinds of bindings through their {@link Store}s, then follows each with a store watch on a virtual
 * thread, re-listing when a watch ends or fails. Every change publishes a new immutable
 * {@link PolicySnapshot}, so reads never lock.
 */
public final class RbacPolicyCache implements RbacPolicy, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RbacPolicyCache.class);
    private static final long RETRY_MILLIS = 1000;

    private final AtomicReference<PolicySnapshot> snapshot = new AtomicReference<>(PolicySnapshot.empty());
    private final List<Follower<?>> followers;
    private final List<Runnable> clusterRoleListeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch synced;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    public RbacPolicyCache(StoreRegistry stores) {
        this.followers = List.of(
                new Follower<>(RbacResources.store(stores, "roles", Role.class), Role.class),
                new Follower<>(RbacResources.store(stores, "clusterroles", ClusterRole.class), ClusterRole.class),
                new Follower<>(RbacResources.store(stores, "rolebindings", RoleBinding.class), RoleBinding.class),
                new Follower<>(RbacResources.store(stores, "clusterrolebindings", ClusterRoleBinding.class),
                        ClusterRoleBinding.class));
        this.synced = new CountDownLatch(followers.size());
    }

    @Override
    public PolicySnapshot current() {
        return snapshot.get();
    }

    /** Starts following the four resources (once). */
    public synchronized void start() {
        if (!threads.isEmpty() || closed) {
            return;
        }
        for (Follower<?> f : followers) {
            threads.add(Thread.ofVirtual().name("rbac-cache-" + f.type.getSimpleName()).start(f::run));
        }
    }

    /** Waits until every resource was listed once; false on timeout. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        return synced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Calls {@code listener} (on a cache thread; it must be quick) after every change of cluster roles. */
    public void onClusterRolesChanged(Runnable listener) {
        clusterRoleListeners.add(listener);
    }

    /**
     * Stops following: the threads are interrupted (a storage call or poll they wait in ends at once) and
     * not waited for. This object's monitor only guards starting and stopping the threads; they never take
     * it, and reads of the policy take no lock at all (an immutable snapshot behind an AtomicReference).
     */
    @Override
    public synchronized void close() {
        closed = true;
        threads.forEach(Thread::interrupt);
    }

    /** Lists and watches one resource into the snapshot. */
    private final class Follower<T extends HasMetadata> {
        private final Store<T> store;
        private final Class<T> type;
        private boolean listedOnce;

        Follower(Store<T> store, Class<T> type) {
            this.store = store;
            this.type = type;
        }

        void run() {
            while (!closed) {
                try {
                    follow();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (closed) {
                        return;
                    }
                    LOG.warn("RBAC cache: following {} failed, re-listing: {}", type.getSimpleName(), e.toString());
                    try {
                        Thread.sleep(RETRY_MILLIS);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        private void follow() throws InterruptedException {
            ListPage<T> page = store.list(null, ListParams.all());
            snapshot.updateAndGet(s -> s.replacing(type, page.items()));
            changed();
            if (!listedOnce) {
                listedOnce = true;
                synced.countDown();
            }
            try (StoreWatch<T> watch = store.watcher().open(null,
                    new WatchParams<>(null, page.resourceVersion(), "", true, null))) {
                while (!closed && !watch.isClosed()) {
                    boolean any = false;
                    for (ApiWatchEvent e : watch.poll(1000)) {
                        switch (e.type()) {
                            case "ADDED", "MODIFIED" -> {
                                T obj = type.cast(e.object());
                                snapshot.updateAndGet(s -> s.with(obj));
                                any = true;
                            }
                            case "DELETED" -> {
                                T obj = type.cast(e.object());
                                snapshot.updateAndGet(s -> s.without(obj));
                                any = true;
                            }
                            case "ERROR" -> {
                                LOG.info("RBAC cache: watch of {} ended ({}), re-listing", type.getSimpleName(),
                                        e.object());
                                return;
                            }
                            default -> {
                            }
                        }
                    }
                    if (any) {
                        changed();
                    }
                }
            }
        }

        private void changed() {
            if (type == ClusterRole.class) {
                for (Runnable l : clusterRoleListeners) {
                    l.run();
                }
            }
        }
    }
}
