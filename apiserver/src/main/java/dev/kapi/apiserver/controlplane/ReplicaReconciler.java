package dev.kapi.apiserver.controlplane;

import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What makes several replicas on one storage look like one API server to clients inside the cluster, as
 * kube-apiserver's post-start hooks do:
 * <ul>
 *   <li>the lease endpoint reconciler ({@code --endpoint-reconciler-type=lease}): every {@link #INTERVAL} this
 *       replica renews its master lease ({@link MasterLeases}, TTL 15 s) and rewrites
 *       {@code default/endpoints/kubernetes} and its EndpointSlice to the replicas with a live lease; on stop it
 *       deletes its lease and takes itself out of the endpoints at once, a killed replica drops out once its lease
 *       expired;</li>
 *   <li>the kubernetes Service ({@link KubernetesService}), re-created every interval when missing;</li>
 *   <li>the APIServerIdentity lease ({@link IdentityLease}) renewed every 10 s, and its garbage collector.</li>
 * </ul>
 * One daemon thread runs them all; a round that fails (storage away) is logged once per kind of failure and tried
 * again at the next round, the first rounds after a second (the namespaces may not exist yet).
 */
public final class ReplicaReconciler implements AutoCloseable {

    /** kube's {@code DefaultEndpointReconcilerInterval}. */
    public static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaReconciler.class);

    private final MasterLeases masterLeases;
    private final StoreRegistry stores;
    private final WritePipeline writes;
    private final Clock clock = Clock.systemUTC();
    private final String hostname;
    private final String serviceClusterIp;
    private final String ip;
    private final boolean reconcileEndpoints;
    /** What the rounds write, made for the serving port when {@link #start(int)} learns it. */
    private volatile Parts parts;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("kapi-replica-reconciler").unstarted(r));
    private volatile boolean stopping;
    private long lastGc = Long.MIN_VALUE;
    private String lastFailure;

    /**
     * @param reconcileEndpoints false for {@code --endpoint-reconciler-type=none}: the endpoints are left alone
     */
    public ReplicaReconciler(Storage storage, String keyPrefix, StoreRegistry stores, WritePipeline writes,
                             String advertiseAddress, String serviceClusterIp, boolean reconcileEndpoints,
                             String hostname) {
        this.masterLeases = new MasterLeases(storage, keyPrefix, clock);
        this.stores = stores;
        this.writes = writes;
        this.serviceClusterIp = serviceClusterIp;
        this.hostname = hostname;
        this.ip = advertiseAddress;
        this.reconcileEndpoints = reconcileEndpoints;
    }

    /** The Service, endpoints and identity lease of this replica, serving on {@code port}. */
    private record Parts(int port, KubernetesService service, KubernetesEndpoints endpoints, IdentityLease identity) {
    }

    /**
     * Runs the first round now and then one every {@link #INTERVAL}, advertising {@code servingPort}: the port
     * the server listens on, known only once it serves when {@code --secure-port=0} chose a free one.
     */
    public void start(int servingPort) {
        if (servingPort < 1 || servingPort > 65535) {
            throw new IllegalArgumentException("not a port: " + servingPort);
        }
        parts = new Parts(servingPort, new KubernetesService(stores, writes, serviceClusterIp, servingPort),
                new KubernetesEndpoints(stores, writes, servingPort),
                new IdentityLease(stores, writes, clock, hostname, ip, servingPort));
        executor.execute(this::round);
    }

    /** This replica's identity (kube's APIServerID: its identity lease's name); "" until it serves. */
    public String serverId() {
        Parts p = parts;
        return p == null ? "" : p.identity().name();
    }

    private void round() {
        if (stopping) {
            return;
        }
        Parts p = parts;
        boolean ok = true;
        ok &= attempt("the kubernetes Service", p.service()::ensure);
        if (reconcileEndpoints) {
            ok &= attempt("the kubernetes endpoints", () -> reconcileEndpoints(p));
        }
        ok &= attempt("the apiserver identity lease", p.identity()::renew);
        if (lastGc == Long.MIN_VALUE || System.nanoTime() - lastGc > IdentityLease.GC_PERIOD.toNanos()) {
            if (attempt("the garbage collection of identity leases", p.identity()::collectGarbage)) {
                lastGc = System.nanoTime();
            }
        }
        if (ok) {
            lastFailure = null;
        }
        if (!stopping) {
            executor.schedule(this::round, (ok ? INTERVAL : RETRY).toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private boolean attempt(String what, Runnable step) {
        try {
            step.run();
            return true;
        } catch (RuntimeException e) {
            String failure = what + ": " + e.getMessage();
            if (!stopping && !failure.equals(lastFailure)) {
                LOG.warn("Could not update {}", failure);
            }
            lastFailure = failure;
            return false;
        }
    }

    /** kube's lease reconciler: renew our lease, then list the live ones (ours included) in the endpoints. */
    private void reconcileEndpoints(Parts p) {
        masterLeases.renew(ip, p.port());
        List<String> ips = new ArrayList<>(masterLeases.live().stream().map(MasterLeases.Master::ip).toList());
        if (!ips.contains(ip)) {
            ips.add(ip);
        }
        ips.sort(null);
        p.endpoints().write(ips);
    }

    /** kube's {@code RemoveEndpoints}: delete our lease and write the endpoints of the others. */
    private void removeEndpoints(Parts p) {
        masterLeases.remove(ip);
        List<String> ips = new ArrayList<>(masterLeases.live().stream().map(MasterLeases.Master::ip)
                .filter(other -> !other.equals(ip)).toList());
        ips.sort(null);
        p.endpoints().write(ips);
    }

    /**
     * Stops the rounds and, with the lease reconciler, takes this replica out of the endpoints; waits at most
     * {@code bound} for that (a storage that does not answer leaves the lease to expire instead).
     */
    public void stop(Duration bound) {
        if (stopping) {
            return;
        }
        stopping = true;
        executor.shutdownNow();
        Parts p = parts;
        if (!reconcileEndpoints || p == null) {
            return; // never started: nothing advertised
        }
        try {
            executor.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS); // a round in progress ends first
            Thread remover = Thread.ofVirtual().name("kapi-remove-endpoints").start(() -> {
                try {
                    removeEndpoints(p);
                    LOG.info("Removed this replica ({}) from the kubernetes endpoints", ip);
                } catch (RuntimeException e) {
                    LOG.warn("Could not remove this replica ({}) from the kubernetes endpoints: {}", ip,
                            e.getMessage());
                }
            });
            remover.join(bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(2));
    }
}
