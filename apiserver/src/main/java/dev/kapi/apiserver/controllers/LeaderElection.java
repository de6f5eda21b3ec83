package dev.kapi.apiserver.controllers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * The settings of the controllers' leader election, by kube-controller-manager's flags: {@code --leader-elect}
 * (on by default), {@code --leader-elect-lease-duration} (15 s), {@code --leader-elect-renew-deadline} (10 s) and
 * {@code --leader-elect-retry-period} (2 s); the Lease is kube's {@code kube-system/kube-controller-manager}.
 *
 * @param identity this replica's holderIdentity (see {@link #identity})
 */
public record LeaderElection(boolean enabled, String namespace, String name, String identity,
                             Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

    public static final String NAMESPACE = "kube-system";
    public static final String LEASE = "kube-controller-manager";
    /** The scheduler's own Lease, as kube-scheduler holds it. */
    public static final String SCHEDULER_LEASE = "kube-scheduler";

    /** No election: the controllers run from the start (a lone server, the tests of a controller). */
    public static final LeaderElection DISABLED = new LeaderElection(false, NAMESPACE, LEASE, "",
            Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));

    public LeaderElection {
        if (enabled && !(leaseDuration.compareTo(renewDeadline) > 0 && renewDeadline.compareTo(retryPeriod) > 0
                && !retryPeriod.isNegative() && !retryPeriod.isZero())) {
            // kube's checks: leaseDuration > renewDeadline > retryPeriod (times its jitter) > 0
            throw new IllegalArgumentException("--leader-elect-lease-duration (" + leaseDuration
                    + ") must be greater than --leader-elect-renew-deadline (" + renewDeadline
                    + "), which must be greater than --leader-elect-retry-period (" + retryPeriod + ") > 0");
        }
    }

    /**
     * kube's holderIdentity is {@code <hostname>_<uuid>}, a new uuid per start. Here the uuid is derived from
     * the host name and the listening address and port when the port is fixed: only one process can listen
     * there, so a replica that restarts after a crash is recognised as the holder of its own lease and does not
     * wait a lease duration for itself. With port 0 (chosen at start) it is random, as kube's.
     */
    public static String identity(String hostname, String bindAddress, int port) {
        UUID id = port == 0 ? UUID.randomUUID()
                : UUID.nameUUIDFromBytes((hostname + "/" + bindAddress + ":" + port).getBytes(StandardCharsets.UTF_8));
        return hostname + "_" + id;
    }

    /** The same election for another Lease of the namespace (the scheduler's). */
    public LeaderElection forLease(String lease) {
        return new LeaderElection(enabled, namespace, lease, identity, leaseDuration, renewDeadline, retryPeriod);
    }
}
