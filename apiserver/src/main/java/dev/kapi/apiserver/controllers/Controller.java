package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.registry.informer.Informer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One controller, as kube-controller-manager runs them: handlers on its informers put keys in its
 * {@link WorkQueue}; once those informers have synced, {@code workers} virtual threads take keys one at a time
 * and {@link #reconcile} them: done (the key's failures are forgotten) or to be tried again later (a
 * rate-limited add). A key is never reconciled by two workers at once.
 *
 * <p>This object's monitor only guards starting and stopping the workers, which never take it.
 */
public abstract class Controller {

    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    protected final WorkQueue queue;
    private final String name;
    private final int workers;
    private final List<Informer<?>> informers;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    /**
     * @param informers the informers whose caches {@link #reconcile} reads: workers wait for their first lists
     */
    protected Controller(String name, int workers, WorkQueue queue, List<Informer<?>> informers) {
        this.name = name;
        this.workers = workers;
        this.queue = queue;
        this.informers = List.copyOf(informers);
    }

    /** Brings the object named by {@code key} to what it should be; false to be tried again later. */
    protected abstract boolean reconcile(String key);

    public final String name() {
        return name;
    }

    /** True once {@link #stop} was called: a failure then is the stop's doing, not worth a log line. */
    protected final boolean stopping() {
        return stopping;
    }

    final synchronized void start() {
        if (!threads.isEmpty() || stopping) {
            return;
        }
        for (int i = 0; i < workers; i++) {
            threads.add(Thread.ofVirtual().name(name + "-" + i).start(this::work));
        }
    }

    /**
     * Threads a controller started for work it handed off (the scheduler's bindings): interrupted and waited for
     * with the workers on {@link #stop}.
     */
    protected List<Thread> helpers() {
        return List.of();
    }

    /** Stops handing out keys and interrupts the workers and helpers (a storage call they wait in ends at once). */
    final synchronized List<Thread> stop() {
        stopping = true;
        queue.shutDown();
        List<Thread> all = new ArrayList<>(threads);
        all.addAll(helpers());
        all.forEach(Thread::interrupt);
        return all;
    }

    private void work() {
        try {
            for (Informer<?> informer : informers) {
                while (!informer.awaitSynced(Duration.ofSeconds(1))) {
                    if (stopping) {
                        return;
                    }
                }
            }
            String key;
            while ((key = queue.get()) != null) {
                try {
                    if (reconcile(key)) {
                        queue.forget(key);
                    } else {
                        queue.addRateLimited(key);
                    }
                } catch (RuntimeException e) {
                    if (stopping) {
                        return;
                    }
                    LOG.warn("{}: {} not reconciled yet: {}", name, key, e.toString());
                    queue.addRateLimited(key);
                } catch (Error e) {
                    // kube's HandleCrash: the worker goes on (a controller with one worker would stop for good)
                    if (stopping) {
                        return;
                    }
                    LOG.error("{}: reconciling {} failed", name, key, e);
                    queue.addRateLimited(key);
                } finally {
                    queue.done(key);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
