package dev.kapi.apiserver.controlplane;

import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.core.ServiceAllocationRepair;
import dev.kapi.apiserver.registry.core.ServiceAllocations;
import io.fabric8.kubernetes.api.model.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link ServiceAllocationRepair} once when the server is ready and then every {@link #INTERVAL}, as every
 * kube-apiserver runs its cluster IP and node port repair loops: a value allocated by a server that stopped before
 * storing its Service is freed after three passes; one a Service holds but the allocation lost is allocated again.
 * Several replicas may run it at once: each pass writes only if the allocation did not change since it read it.
 */
public final class ServiceAllocationRepairLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceAllocationRepairLoop.class);

    /** kube's repair interval for service IPs and node ports. */
    public static final Duration INTERVAL = Duration.ofMinutes(3);

    private final ServiceAllocationRepair repair;
    private final Store<Service> services;
    private final Consumer<ServiceAllocationRepair.ServiceEvent> events;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("service-allocation-repair").daemon().factory());
    private volatile boolean closed;

    /** @param events where each pass's Events about Services go (kube's repair controllers' event recorders) */
    public ServiceAllocationRepairLoop(ServiceAllocations allocations, StoreRegistry stores, Duration interval,
                                       Consumer<ServiceAllocationRepair.ServiceEvent> events) {
        this.repair = new ServiceAllocationRepair(allocations);
        this.services = stores.find("", "v1", "services", Service.class).orElseThrow();
        this.interval = interval;
        this.events = events;
    }

    /** Starts the passes: the first at once, then one every interval. */
    public void start() {
        timer.scheduleWithFixedDelay(this::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * One pass; a failure (storage unreachable, even an Error) is logged and the next pass tries again. A pass cut
     * short by {@link #close} (the server stopping interrupts its storage read) is not a failure and logs nothing.
     */
    public ServiceAllocationRepair.Result runOnce() {
        try {
            ServiceAllocationRepair.Result result = repair.repair(
                    () -> services.listWithoutManagedFields(null, ListParams.all()).items());
            result.events().forEach(events);
            return result;
        } catch (Throwable e) { // anything: an escaping throwable would end the schedule for good, silently
            if (closed) {
                LOG.debug("a service allocation repair pass ended as the server stopped: {}", e.toString());
                return null;
            }
            LOG.warn("repairing the service cluster IP and node port allocations failed; trying again in {}",
                    interval, e);
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
