package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ApiWatchEvent;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.StoreWatch;
import dev.kapi.apiserver.registry.WatchParams;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Stands in for kube-controller-manager's service account controller until controllers arrive: every
 * namespace that is not being deleted has a ServiceAccount named {@code default}. It watches namespaces
 * (each one found or added gets its account) and service accounts (a deleted {@code default} is made
 * again). Creating an account that exists is a harmless 409, so several servers may run it at once. It
 * creates through the {@link WritePipeline} as kube's service account controller
 * ({@link SystemUsers#SERVICE_ACCOUNT_CONTROLLER}).
 */
public final class DefaultServiceAccounts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultServiceAccounts.class);
    static final String NAME = "default";
    /** How long {@link #close} waits, in all, for the watch threads to end. */
    static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(1);

    private final Store<Namespace> namespaces;
    private final Store<ServiceAccount> accounts;
    private final WritePipeline writes;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    public DefaultServiceAccounts(StoreRegistry stores, WritePipeline writes) {
        this.writes = writes;
        this.namespaces = stores.find("", "v1", "namespaces", Namespace.class).orElseThrow();
        this.accounts = stores.find("", "v1", "serviceaccounts", ServiceAccount.class).orElseThrow();
    }

    public synchronized void start() {
        if (!threads.isEmpty()) {
            return;
        }
        threads.add(Thread.ofVirtual().name("default-serviceaccounts-namespaces").start(() -> follow(namespaces,
                () -> { }, e -> {
                    if (e.type().equals("ADDED")) {
                        Namespace ns = (Namespace) e.object();
                        if (ns.getMetadata().getDeletionTimestamp() == null) {
                            ensure(ns.getMetadata().getName());
                        }
                    }
                })));
        // a deletion while this watch was not open is not seen: every namespace is checked when it (re)opens
        threads.add(Thread.ofVirtual().name("default-serviceaccounts-accounts").start(() -> follow(accounts,
                this::ensureAll, e -> {
                    ServiceAccount sa = (ServiceAccount) e.object();
                    if (e.type().equals("DELETED") && NAME.equals(sa.getMetadata().getName())) {
                        ensure(sa.getMetadata().getNamespace());
                    }
                })));
    }

    private void ensureAll() {
        for (Namespace ns : namespaces.list(null, dev.kapi.apiserver.registry.ListParams.all()).items()) {
            if (ns.getMetadata().getDeletionTimestamp() == null) {
                ensure(ns.getMetadata().getName());
            }
        }
    }

    /** Creates {@code default} in the namespace unless it exists or the namespace is gone or terminating. */
    void ensure(String namespace) {
        try {
            Namespace ns = namespaces.get(null, namespace);
            if (ns.getMetadata().getDeletionTimestamp() != null) {
                return;
            }
            writes.create(WriteScope.of(accounts, namespace, SystemUsers.SERVICE_ACCOUNT_CONTROLLER),
                    new ServiceAccountBuilder().withNewMetadata().withName(NAME).endMetadata().build(),
                    OperationOptions.create());
        } catch (StatusError e) {
            // 403: the namespace began terminating meanwhile (NamespaceLifecycle), as kube's controller ignores
            if (e.code() != 404 && e.code() != 409 && !terminating(e) && !closed) {
                LOG.warn("could not create serviceaccount {}/{}: {}", namespace, NAME, e.getMessage());
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("could not create serviceaccount {}/{}: {}", namespace, NAME, e.toString());
            }
        }
    }

    private static boolean terminating(StatusError e) {
        var details = e.status().getDetails();
        return e.code() == 403 && details != null && details.getCauses() != null
                && details.getCauses().stream().anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
    }

    /**
     * Watches a whole resource from its current state (ADDED for each object), re-opening after an end;
     * {@code opened} runs each time the watch is open.
     */
    private <T extends HasMetadata> void follow(Store<T> store, Runnable opened, Consumer<ApiWatchEvent> handler) {
        while (!closed) {
            try (StoreWatch<T> watch = store.watcher().open(null, new WatchParams<>(null, "", "", false, null))) {
                opened.run();
                while (!closed && !watch.isClosed()) {
                    for (ApiWatchEvent e : watch.poll(1000)) {
                        if (e.type().equals("ERROR")) {
                            break;
                        }
                        handler.accept(e);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.debug("{} watch ended: {}", store.definition().resource(), e.toString());
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Stops the watch threads: interrupts them (a storage call or poll they wait in ends at once) and waits
     * for them at most {@link #STOP_WAIT} in all. This object's monitor is held only to start or stop the
     * threads, which never take it, so waiting under it cannot close a cycle.
     */
    @Override
    public synchronized void close() {
        closed = true;
        threads.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                t.join(java.time.Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
