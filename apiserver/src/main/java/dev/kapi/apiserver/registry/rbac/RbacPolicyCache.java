package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.authz.rbac.PolicySnapshot;
import dev.kapi.apiserver.authz.rbac.RbacPolicy;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The in-memory RBAC policy the authorizer reads: one {@link Informer} for each of roles, cluster roles and
 * both kinds of bindings. Each batch an informer tells (one watch read, or what a re-list changed) becomes
 * one new immutable {@link PolicySnapshot}, so reads never lock and a re-listed kind is replaced in one step.
 */
public final class RbacPolicyCache implements RbacPolicy, AutoCloseable {

    private final AtomicReference<PolicySnapshot> snapshot = new AtomicReference<>(PolicySnapshot.empty());
    private final List<Informer<?>> informers;

    public RbacPolicyCache(StoreRegistry stores) {
        this.informers = List.of(follow(stores, "roles", Role.class),
                follow(stores, "clusterroles", ClusterRole.class),
                follow(stores, "rolebindings", RoleBinding.class),
                follow(stores, "clusterrolebindings", ClusterRoleBinding.class));
    }

    private <T extends HasMetadata> Informer<T> follow(StoreRegistry stores, String resource, Class<T> type) {
        Informer<T> informer = new Informer<>(RbacResources.store(stores, resource, type), "rbac-cache",
                InformerOptions.DEFAULTS);
        informer.addHandler(new SnapshotUpdates<>(informer, type));
        return informer;
    }

    @Override
    public PolicySnapshot current() {
        return snapshot.get();
    }

    /** Starts following the four resources (once). */
    public void start() {
        informers.forEach(Informer::start);
    }

    /** Whether every resource was listed once. */
    public boolean synced() {
        return informers.stream().allMatch(Informer::hasSynced);
    }

    /** Waits until every resource was listed once; false on timeout. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Informer<?> informer : informers) {
            if (!informer.awaitSynced(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops following: the informers' threads are interrupted (a storage call or poll they wait in ends at
     * once) and not waited for. Reads of the policy take no lock at all (an immutable snapshot behind an
     * AtomicReference).
     */
    @Override
    public void close() {
        Informer.closeAll(informers, Duration.ZERO);
    }

    /**
     * Publishes each batch of one kind's changes (on its informer's thread) as one new snapshot: a single
     * change is applied to the current snapshot; several (a watch read of many events, a re-list) replace the
     * kind with what the informer's cache holds after them, which costs one copy instead of one per change.
     */
    private final class SnapshotUpdates<T extends HasMetadata> implements EventHandler<T> {
        private final Informer<T> informer;
        private final Class<T> type;
        private UnaryOperator<PolicySnapshot> change;
        private int changes;

        SnapshotUpdates(Informer<T> informer, Class<T> type) {
            this.informer = informer;
            this.type = type;
        }

        @Override
        public void onAdd(T obj) {
            changed(s -> s.with(obj));
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            if (oldObj != newObj) {
                changed(s -> s.with(newObj));
            }
        }

        @Override
        public void onDelete(T obj) {
            changed(s -> s.without(obj));
        }

        private void changed(UnaryOperator<PolicySnapshot> c) {
            change = c;
            changes++;
        }

        @Override
        public void onBatchEnd() {
            if (changes == 0) {
                return;
            }
            if (changes == 1) {
                snapshot.updateAndGet(change);
            } else {
                List<T> all = informer.cache().list();
                snapshot.updateAndGet(s -> s.replacing(type, all));
            }
            change = null;
            changes = 0;
        }
    }
}
