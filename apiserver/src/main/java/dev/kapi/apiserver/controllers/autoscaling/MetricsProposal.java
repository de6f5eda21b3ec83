package dev.kapi.apiserver.controllers.autoscaling;

import dev.kapi.apiserver.registry.groups.metrics.SimulatedUsage;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricValueStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ResourceMetricStatus;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's {@code computeReplicasForMetrics}: the replicas each metric of the spec wants, the largest winning, with
 * the metrics' current values for the status. Only Resource metrics are served (the simulated usage has no
 * custom or external metrics): another type fails as kube's metric client does when no adapter serves it. A
 * metric that fails is left out when another succeeds, each failure told in {@link #failures()} (kube's
 * {@code FailedGetResourceMetric} events: {@code failed to get cpu utilization: <why>}); when all fail,
 * {@link #replicas()} is -1 with the reason and message of the first ({@link #error()}) and kube's
 * {@code FailedComputeMetricsReplicas} text ({@link #invalidMetrics()}).
 */
record MetricsProposal(int replicas, String metricName, List<MetricStatus> statuses, String reason, String error,
                       List<Failure> failures, String invalidMetrics) {

    /** One metric that could not be computed: the event's reason and message. */
    record Failure(String reason, String message) {
    }

    static MetricsProposal of(ReplicaCalculator calculator, List<MetricSpec> specs, int current, List<Pod> pods) {
        int best = -1;
        String name = "";
        String reason = null;
        String error = null;
        String firstInvalid = null;
        List<Failure> failures = new ArrayList<>();
        List<MetricStatus> statuses = new ArrayList<>();
        List<MetricSpec> all = specs == null ? List.of() : specs;
        for (MetricSpec spec : all) {
            try {
                if (!"Resource".equals(spec.getType()) || spec.getResource() == null) {
                    throw new ReplicaCalculator.MetricError("unable to get metric of type " + spec.getType()
                            + ": no custom or external metrics API serves it");
                }
                String resource = spec.getResource().getName();
                MetricTarget target = spec.getResource().getTarget();
                ReplicaCalculator.Proposal p;
                String metricName;
                if (target.getAverageUtilization() != null) {
                    p = calculator.utilization(current, target.getAverageUtilization(), resource, pods);
                    metricName = resource + " resource utilization (percentage of request)";
                } else if (target.getAverageValue() != null) {
                    p = calculator.averageValue(current, ReplicaCalculator.milli(
                            target.getAverageValue().getNumericalAmount()), resource, pods);
                    metricName = resource + " resource";
                } else {
                    throw new ReplicaCalculator.MetricError("invalid resource metric source: neither a utilization "
                            + "target nor a value target was set");
                }
                statuses.add(status(resource, p));
                if (p.replicas() > best) {
                    best = p.replicas();
                    name = metricName;
                }
            } catch (ReplicaCalculator.MetricError e) {
                boolean resource = "Resource".equals(spec.getType()) && spec.getResource() != null;
                String failReason = resource ? "FailedGetResourceMetric" : "FailedGet" + spec.getType() + "Metric";
                // kube's computeStatusForResourceMetricGeneric, then computeReplicasForMetric, wrap the cause
                String message = resource && !e.getMessage().startsWith("invalid resource metric source")
                        ? "failed to get " + spec.getResource().getName() + " utilization: " + e.getMessage()
                        : e.getMessage();
                failures.add(new Failure(failReason, message));
                if (error == null) {
                    reason = failReason;
                    error = message;
                    firstInvalid = resource ? "failed to get " + spec.getResource().getName()
                            + " resource metric value: " + message : message;
                }
            }
        }
        if (best < 0 && error == null) {
            reason = "InvalidMetricSourceType";
            error = "no metrics to scale on";
        }
        String invalid = best < 0 && firstInvalid != null ? "invalid metrics (" + failures.size() + " invalid out of "
                + all.size() + "), first error is: " + firstInvalid : null;
        return new MetricsProposal(best, name, statuses, reason, error, List.copyOf(failures), invalid);
    }

    private static MetricStatus status(String resource, ReplicaCalculator.Proposal p) {
        MetricValueStatus current = new MetricValueStatus();
        current.setAverageUtilization(p.utilization());
        current.setAverageValue(SimulatedUsage.quantity(resource.equals(SimulatedUsage.CPU) ? SimulatedUsage.CPU
                : SimulatedUsage.MEMORY, BigDecimal.valueOf(p.averageMilli()).movePointLeft(3)));
        MetricStatus s = new MetricStatus();
        s.setType("Resource");
        s.setResource(new ResourceMetricStatus(current, resource));
        return s;
    }
}
