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
 * metric that fails is left out when another succeeds; when all fail, {@link #replicas()} is -1 with the reason
 * and message of the first error.
 */
record MetricsProposal(int replicas, String metricName, List<MetricStatus> statuses, String reason, String error) {

    static MetricsProposal of(ReplicaCalculator calculator, List<MetricSpec> specs, int current, List<Pod> pods) {
        int best = -1;
        String name = "";
        String reason = null;
        String error = null;
        List<MetricStatus> statuses = new ArrayList<>();
        for (MetricSpec spec : specs == null ? List.<MetricSpec>of() : specs) {
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
                if (error == null) {
                    reason = "Resource".equals(spec.getType()) ? "FailedGetResourceMetric"
                            : "FailedGet" + spec.getType() + "Metric";
                    error = e.getMessage();
                }
            }
        }
        if (best < 0 && error == null) {
            reason = "InvalidMetricSourceType";
            error = "no metrics to scale on";
        }
        return new MetricsProposal(best, name, statuses, reason, error);
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
