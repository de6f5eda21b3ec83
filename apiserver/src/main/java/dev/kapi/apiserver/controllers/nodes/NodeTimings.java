package dev.kapi.apiserver.controllers.nodes;

import java.time.Duration;

/**
 * The clocks of the simulated kubelets, the kubelet's defaults in {@link #kubelet}: the node lease renewed every
 * 10 s ({@code leaseDurationSeconds} 40, the kubelet's {@code nodeLeaseDurationSeconds}), the node's status
 * reported every minute (its {@code nodeStatusReportFrequency}), and how long a Job's pod runs before it
 * succeeds ({@code --simulated-job-run-time}). Tests shorten them.
 */
record NodeTimings(Duration leaseRenew, int leaseDurationSeconds, Duration statusReport, Duration jobRunTime) {

    static NodeTimings kubelet(Duration jobRunTime) {
        return new NodeTimings(Duration.ofSeconds(10), 40, Duration.ofMinutes(1), jobRunTime);
    }
}
