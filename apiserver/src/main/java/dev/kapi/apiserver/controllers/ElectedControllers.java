package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

import java.time.Clock;

/**
 * A set of controllers that runs where one Lease is held, as one kube component: kube-controller-manager's
 * controllers under {@code kube-system/kube-controller-manager}, the scheduler under {@code kube-system/kube-scheduler}.
 * While its {@link LeaderElector} leads (or from the start, without election) a term of {@link KubeControllers}
 * runs; a term that ends is closed, and the next one starts from fresh informers and queues.
 */
final class ElectedControllers implements AutoCloseable {

    private final StoreRegistry stores;
    private final WritePipeline writes;
    private final ControllerSettings settings;
    private final LeaderElector elector;
    private KubeControllers term; // guarded by this
    private boolean closed; // guarded by this

    ElectedControllers(StoreRegistry stores, WritePipeline writes, ControllerSettings settings) {
        this.stores = stores;
        this.writes = writes;
        this.settings = settings;
        this.elector = settings.election().enabled()
                ? new LeaderElector(stores.find("coordination.k8s.io", "v1", "leases", Lease.class).orElseThrow(),
                writes, settings.election(), Clock.systemUTC(), new LeaderElector.Callbacks() {
                    @Override
                    public void startedLeading() {
                        startTerm();
                    }

                    @Override
                    public void stoppedLeading() {
                        endTerm();
                    }
                })
                : null;
    }

    /** Starts electing (its first attempt in this thread), or the term at once without election. */
    void start() {
        if (elector == null) {
            startTerm();
        } else {
            elector.start();
        }
    }

    synchronized boolean leading() {
        return term != null;
    }

    private synchronized void startTerm() {
        if (closed || term != null) {
            return;
        }
        term = new KubeControllers(stores, writes, settings);
        term.start();
    }

    private void endTerm() {
        KubeControllers ending;
        synchronized (this) {
            ending = term;
            term = null;
        }
        if (ending != null) {
            ending.close();
        }
    }

    /** Stops electing: the term ends and the Lease is given up (both bounded in time). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        if (elector != null) {
            elector.close();
        }
        endTerm();
    }
}
