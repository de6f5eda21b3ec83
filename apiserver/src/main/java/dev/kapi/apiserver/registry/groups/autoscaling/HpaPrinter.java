package dev.kapi.apiserver.registry.groups.autoscaling;

import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricValueStatus;

import java.util.ArrayList;
import java.util.List;

/** kube's table of HorizontalPodAutoscalers: Reference, Targets ({@code cpu: <unknown>/80%}), MinPods, MaxPods, Replicas. */
final class HpaPrinter {

    private static final int SHOWN = 2;

    private HpaPrinter() {
    }

    static List<TableColumn<HorizontalPodAutoscaler>> columns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Reference", "string", "scaleTargetRef points to the target resource to scale, and is "
                        + "used to the pods for which metrics should be collected, as well as to actually change the "
                        + "replica count.", HpaPrinter::reference),
                TableColumn.of("Targets", "string", "metrics contains the specifications for which to use to calculate "
                        + "the desired replica count (the maximum replica count across all metrics will be used).",
                        h -> targets(h.getSpec().getMetrics(), h.getStatus() == null ? null : h.getStatus().getCurrentMetrics())),
                TableColumn.of("MinPods", "string", "minReplicas is the lower limit for the number of replicas to which "
                        + "the autoscaler can scale down.", h -> h.getSpec().getMinReplicas() == null ? "<unset>"
                        : String.valueOf(h.getSpec().getMinReplicas())),
                TableColumn.of("MaxPods", "string", "maxReplicas is the upper limit for the number of replicas to which "
                        + "the autoscaler can scale up.", h -> (long) (h.getSpec().getMaxReplicas() == null ? 0
                        : h.getSpec().getMaxReplicas())),
                TableColumn.of("Replicas", "string", "currentReplicas is current number of replicas of pods managed by "
                        + "this autoscaler, as last seen by the autoscaler.", h -> (long) (h.getStatus() == null
                        || h.getStatus().getCurrentReplicas() == null ? 0 : h.getStatus().getCurrentReplicas())),
                TableColumn.ageColumn());
    }

    private static String reference(HorizontalPodAutoscaler h) {
        var ref = h.getSpec().getScaleTargetRef();
        return ref == null ? "/" : nz(ref.getKind()) + "/" + nz(ref.getName());
    }

    static String targets(List<MetricSpec> specs, List<MetricStatus> statuses) {
        if (specs == null || specs.isEmpty()) {
            return "<none>";
        }
        List<MetricStatus> st = statuses == null ? List.of() : statuses;
        List<String> list = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            MetricSpec s = specs.get(i);
            MetricStatus status = st.size() > i ? st.get(i) : null;
            String type = s.getType() == null ? "" : s.getType();
            list.add(switch (type) {
                case "External" -> valueTarget(s.getExternal().getTarget().getAverageValue(), s.getExternal().getTarget().getValue(),
                        status == null || status.getExternal() == null ? null : status.getExternal().getCurrent());
                case "Object" -> valueTarget(s.getObject().getTarget().getAverageValue(), s.getObject().getTarget().getValue(),
                        status == null || status.getObject() == null ? null : status.getObject().getCurrent());
                case "Pods" -> (status == null || status.getPods() == null ? "<unknown>"
                        : q(status.getPods().getCurrent().getAverageValue())) + "/" + q(s.getPods().getTarget().getAverageValue());
                case "Resource" -> resource(s.getResource().getName(), s.getResource().getTarget().getAverageValue(),
                        s.getResource().getTarget().getAverageUtilization(),
                        status == null || status.getResource() == null ? null : status.getResource().getCurrent());
                case "ContainerResource" -> resource(s.getContainerResource().getName(),
                        s.getContainerResource().getTarget().getAverageValue(),
                        s.getContainerResource().getTarget().getAverageUtilization(),
                        status == null || status.getContainerResource() == null ? null : status.getContainerResource().getCurrent());
                default -> "<unknown type>";
            });
        }
        if (list.size() > SHOWN) {
            return String.join(", ", list.subList(0, SHOWN)) + " + " + (list.size() - SHOWN) + " more...";
        }
        return String.join(", ", list);
    }

    private static String valueTarget(Quantity averageTarget, Quantity valueTarget, MetricValueStatus current) {
        if (averageTarget != null) {
            String c = current == null || current.getAverageValue() == null ? "<unknown>" : q(current.getAverageValue());
            return c + "/" + q(averageTarget) + " (avg)";
        }
        String c = current == null ? "<unknown>" : q(current.getValue());
        return c + "/" + q(valueTarget);
    }

    private static String resource(String name, Quantity averageValue, Integer utilization, MetricValueStatus current) {
        if (averageValue != null) {
            String c = current == null ? "<unknown>" : q(current.getAverageValue());
            return name + ": " + c + "/" + q(averageValue);
        }
        String c = current == null || current.getAverageUtilization() == null ? "<unknown>" : current.getAverageUtilization() + "%";
        String t = utilization == null ? "<auto>" : utilization + "%";
        return name + ": " + c + "/" + t;
    }

    private static String q(Quantity q) {
        return q == null ? "0" : nz(q.getAmount()) + nz(q.getFormat());
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
