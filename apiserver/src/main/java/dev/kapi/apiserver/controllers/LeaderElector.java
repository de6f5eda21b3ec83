package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.scheduler.SchedulerControllers;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * kube's leader election on a coordination.k8s.io Lease (client-go's {@code leaderelection} with a LeaseLock),
 * on a virtual thread: it tries to take the Lease every retry period; the Lease is free when it does not exist,
 * has no holder, or its record has not changed for a lease duration as measured by this replica's own clock since
 * it first saw that record (kube's rule, which no clock skew between replicas can break). Once it holds the Lease
 * it calls {@link Callbacks#startedLeading} and renews the Lease every retry period; when no renewal has succeeded
 * for the renew deadline it calls {@link Callbacks#stoppedLeading} (before any other replica may take over: the
 * renew deadline is shorter than the lease duration) and starts trying again. {@link #close} stops leading and
 * gives the Lease up (kube's ReleaseOnCancel: no holder, duration 1 s), so that another replica takes over at once.
 *
 * <p>Every write is a compare-and-swap on the resourceVersion read, through the {@link WritePipeline}, as
 * {@code system:kube-controller-manager} (as {@code system:kube-scheduler} for the scheduler's Lease).
 */
final class LeaderElector implements AutoCloseable {

    /** What runs while this replica leads. */
    interface Callbacks {
        void startedLeading();

        void stoppedLeading();
    }

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElector.class);
    /** How long a stopping replica waits to give the Lease up (etcd answers in ms; unreachable, it expires). */
    static final java.time.Duration RELEASE_WAIT = java.time.Duration.ofMillis(500);

    private final WriteScope<Lease> leases;
    private final WritePipeline writes;
    private final LeaderElection config;
    private final Clock clock;
    private final Callbacks callbacks;
    private volatile boolean closed;
    private volatile boolean leading;
    private Thread thread;

    // the elector's thread only
    private String observedVersion = "";
    private long observedNanos;

    LeaderElector(Store<Lease> leases, WritePipeline writes, LeaderElection config, Clock clock, Callbacks callbacks) {
        this.leases = WriteScope.of(leases, config.namespace(),
                config.name().equals(LeaderElection.SCHEDULER_LEASE) ? SchedulerControllers.USER
                        : SystemUsers.KUBE_CONTROLLER_MANAGER);
        this.writes = writes;
        this.config = config;
        this.clock = clock;
        this.callbacks = callbacks;
    }

    /**
     * Makes the first attempt in the caller's thread (so that a replica that gets the Lease at once has started
     * leading when this returns), then goes on in a thread of its own.
     */
    synchronized void start() {
        if (thread == null && !closed) {
            boolean acquired = tryAcquireOrRenew();
            if (acquired) {
                lead();
            }
            thread = Thread.ofVirtual().name("leader-election-" + config.name()).start(() -> run(acquired));
        }
    }

    private void lead() {
        leading = true;
        LOG.info("{} leads: holds Lease {}/{}", config.identity(), config.namespace(), config.name());
        callbacks.startedLeading();
    }

    boolean isLeading() {
        return leading;
    }

    private void run(boolean leadingAlready) {
        try {
            boolean acquired = leadingAlready;
            while (!closed) {
                if (!acquired) {
                    while (!tryAcquireOrRenew()) {
                        sleepJittered();
                    }
                    lead();
                }
                acquired = false;
                long lastRenew = System.nanoTime();
                while (!closed) {
                    Thread.sleep(config.retryPeriod());
                    if (tryAcquireOrRenew()) {
                        lastRenew = System.nanoTime();
                    } else if (System.nanoTime() - lastRenew > config.renewDeadline().toNanos()) {
                        break;
                    }
                }
                if (!closed) { // when closed, close() ends the term and gives the Lease up, whatever this thread did
                    leading = false;
                    LOG.warn("{} lost Lease {}/{}: no renewal within {}; its controllers stop", config.identity(),
                            config.namespace(), config.name(), config.renewDeadline());
                    callbacks.stoppedLeading();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sleepJittered() throws InterruptedException {
        long base = config.retryPeriod().toMillis();
        // kube's JitterUntil with factor 1.2: between 1 and 2.2 retry periods
        Thread.sleep(base + (long) (ThreadLocalRandom.current().nextDouble() * 1.2 * base));
    }

    /** One attempt: true when this replica holds the Lease afterwards. */
    boolean tryAcquireOrRenew() {
        if (closed) {
            return false;
        }
        ZonedDateTime now = now();
        Lease lease;
        try {
            lease = leases.store().get(config.namespace(), config.name());
        } catch (StatusError e) {
            if (e.code() != 404) {
                return failed(e);
            }
            return create(now);
        } catch (RuntimeException e) {
            return failed(e);
        }
        LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        String version = lease.getMetadata().getResourceVersion();
        if (!version.equals(observedVersion)) {
            observedVersion = version;
            observedNanos = System.nanoTime();
        }
        String holder = Objects.requireNonNullElse(spec.getHolderIdentity(), "");
        boolean mine = holder.equals(config.identity());
        long observedFor = System.nanoTime() - observedNanos;
        int duration = spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds();
        if (!holder.isEmpty() && !mine && observedFor < duration * 1_000_000_000L) {
            return false;
        }
        try {
            Lease written = writes.update(leases, config.name(), current -> {
                current.getMetadata().setResourceVersion(version); // compare-and-swap on what was read
                LeaseSpec next = current.getSpec() == null ? new LeaseSpec() : current.getSpec();
                if (!mine) {
                    next.setAcquireTime(now);
                    next.setLeaseTransitions((next.getLeaseTransitions() == null ? 0 : next.getLeaseTransitions()) + 1);
                }
                fill(next, now);
                current.setSpec(next);
                return current;
            }, OperationOptions.update());
            observe(written);
            return true;
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    private boolean create(ZonedDateTime now) {
        Lease lease = new Lease();
        lease.setMetadata(new ObjectMeta());
        lease.getMetadata().setName(config.name());
        lease.getMetadata().setNamespace(config.namespace());
        LeaseSpec spec = new LeaseSpec();
        spec.setAcquireTime(now);
        spec.setLeaseTransitions(0);
        fill(spec, now);
        lease.setSpec(spec);
        try {
            observe(writes.create(leases, lease, OperationOptions.create()));
            return true;
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    private void fill(LeaseSpec spec, ZonedDateTime now) {
        spec.setHolderIdentity(config.identity());
        spec.setLeaseDurationSeconds((int) config.leaseDuration().toSeconds());
        spec.setRenewTime(now);
    }

    private void observe(Lease written) {
        observedVersion = written.getMetadata().getResourceVersion();
        observedNanos = System.nanoTime();
    }

    private boolean failed(RuntimeException e) {
        if (!closed && !(e instanceof StatusError s && s.code() == 409)) {
            LOG.debug("Lease {}/{}: {}", config.namespace(), config.name(), e.toString());
        }
        return false;
    }

    private ZonedDateTime now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS).atZone(ZoneOffset.UTC);
    }

    /** Stops electing; when leading, calls {@link Callbacks#stoppedLeading} and gives the Lease up. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(ControllerManager.STOP_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (leading) {
            leading = false;
            callbacks.stoppedLeading();
            releaseWithin(RELEASE_WAIT);
        }
    }

    /**
     * Gives the Lease up, waiting for that at most {@code bound}: with etcd unreachable the write would wait for
     * the storage's own timeouts, and a stopping server must not (the Lease then expires by itself).
     */
    private void releaseWithin(java.time.Duration bound) {
        Thread releasing = Thread.ofVirtual().name("leader-election-release-" + config.name()).start(this::release);
        try {
            if (!releasing.join(bound)) {
                releasing.interrupt();
                LOG.debug("Lease {}/{} not released within {}", config.namespace(), config.name(), bound);
            }
        } catch (InterruptedException e) {
            releasing.interrupt();
            Thread.currentThread().interrupt();
        }
    }

    private void release() {
        try {
            // no compare-and-swap on the version last seen: a renewal interrupted by close() may have been written
            // without this replica learning its version; the holder check on the current record is what matters
            writes.update(leases, config.name(), current -> {
                LeaseSpec spec = current.getSpec() == null ? new LeaseSpec() : current.getSpec();
                if (!config.identity().equals(spec.getHolderIdentity())) {
                    throw new IllegalStateException("the Lease has another holder");
                }
                ZonedDateTime now = now();
                spec.setHolderIdentity(null);
                spec.setLeaseDurationSeconds(1);
                spec.setRenewTime(now);
                spec.setAcquireTime(now);
                current.setSpec(spec);
                return current;
            }, OperationOptions.update());
        } catch (RuntimeException e) {
            LOG.debug("Lease {}/{} not released: {}", config.namespace(), config.name(), e.toString());
        }
    }
}
