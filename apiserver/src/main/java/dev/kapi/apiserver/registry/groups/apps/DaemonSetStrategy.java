package dev.kapi.apiserver.registry.groups.apps;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.registry.Cells;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.core.PodSpecDefaults;
import dev.kapi.apiserver.registry.core.PodSpecValidation;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import dev.kapi.apiserver.registry.groups.WorkloadChecks;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategy;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDaemonSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** apps/v1 daemonsets: RollingUpdate (maxUnavailable 1, maxSurge 0), history 10; selector/template checks. */
public final class DaemonSetStrategy implements ResourceStrategy<DaemonSet> {

    @Override
    public void applyDefaults(DaemonSet ds) {
        DaemonSetSpec spec = spec(ds);
        if (spec.getUpdateStrategy() == null) {
            spec.setUpdateStrategy(new DaemonSetUpdateStrategy());
        }
        DaemonSetUpdateStrategy us = spec.getUpdateStrategy();
        if (us.getType() == null || us.getType().isEmpty()) {
            us.setType("RollingUpdate");
        }
        if ("RollingUpdate".equals(us.getType())) {
            if (us.getRollingUpdate() == null) {
                us.setRollingUpdate(new RollingUpdateDaemonSet());
            }
            if (us.getRollingUpdate().getMaxUnavailable() == null) {
                us.getRollingUpdate().setMaxUnavailable(new IntOrString(1));
            }
            if (us.getRollingUpdate().getMaxSurge() == null) {
                us.getRollingUpdate().setMaxSurge(new IntOrString(0));
            }
        }
        if (spec.getRevisionHistoryLimit() == null) {
            spec.setRevisionHistoryLimit(10);
        }
        PodSpecDefaults.applyTemplate(spec.getTemplate());
    }

    @Override
    public void prepareForCreate(DaemonSet ds) {
        if (ds.getStatus() == null) {
            ds.setStatus(new DaemonSetStatus());
        }
        DaemonSetStatus s = ds.getStatus();
        if (s.getCurrentNumberScheduled() == null) {
            s.setCurrentNumberScheduled(0);
        }
        if (s.getNumberMisscheduled() == null) {
            s.setNumberMisscheduled(0);
        }
        if (s.getDesiredNumberScheduled() == null) {
            s.setDesiredNumberScheduled(0);
        }
        if (s.getNumberReady() == null) {
            s.setNumberReady(0);
        }
    }

    @Override
    public List<FieldError> validate(DaemonSet ds) {
        List<FieldError> errs = new ArrayList<>();
        DaemonSetSpec spec = spec(ds);
        WorkloadChecks.selectorAndTemplate(spec.getSelector(), spec.getTemplate(), "daemonset", errs);
        errs.addAll(PodSpecValidation.restartPolicyAlways(spec.getTemplate(), "spec.template"));
        FieldChecks.nonNegative(spec.getMinReadySeconds(), "spec.minReadySeconds", errs);
        FieldChecks.nonNegative(spec.getRevisionHistoryLimit(), "spec.revisionHistoryLimit", errs);
        DaemonSetUpdateStrategy us = spec.getUpdateStrategy();
        if (us != null) {
            FieldChecks.oneOf(us.getType(), List.of("OnDelete", "RollingUpdate"), "spec.updateStrategy.type", errs);
            RollingUpdateDaemonSet ru = us.getRollingUpdate();
            if ("RollingUpdate".equals(us.getType()) && ru != null) {
                String p = "spec.updateStrategy.rollingUpdate";
                FieldChecks.intOrPercent(ru.getMaxUnavailable(), p + ".maxUnavailable", errs);
                FieldChecks.intOrPercent(ru.getMaxSurge(), p + ".maxSurge", errs);
                if (FieldChecks.isZero(ru.getMaxUnavailable()) && FieldChecks.isZero(ru.getMaxSurge())) {
                    errs.add(FieldError.invalid(p + ".maxUnavailable",
                            ru.getMaxUnavailable() == null ? 0 : FieldChecks.value(ru.getMaxUnavailable()),
                            "cannot be 0 when maxSurge is 0"));
                }
            }
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(DaemonSet ds, DaemonSet old) {
        List<FieldError> errs = validate(ds);
        WorkloadChecks.selectorImmutable(spec(ds).getSelector(), spec(old).getSelector(), errs);
        return errs;
    }

    @Override
    public List<TableColumn<DaemonSet>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Desired", "integer",
                        "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).",
                        ds -> Cells.count(status(ds).getDesiredNumberScheduled())),
                TableColumn.of("Current", "integer",
                        "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.",
                        ds -> Cells.count(status(ds).getCurrentNumberScheduled())),
                TableColumn.of("Ready", "integer",
                        "Total number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.",
                        ds -> Cells.count(status(ds).getNumberReady())),
                TableColumn.of("Up-to-date", "integer",
                        "The total number of nodes that are running updated daemon pod",
                        ds -> Cells.count(status(ds).getUpdatedNumberScheduled())),
                TableColumn.of("Available", "integer",
                        "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)",
                        ds -> Cells.count(status(ds).getNumberAvailable())),
                TableColumn.of("Node Selector", "string",
                        "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node.",
                        DaemonSetStrategy::nodeSelector),
                TableColumn.ageColumn(),
                TableColumn.wide("Containers", "string", "Names of each container in the template.",
                        ds -> Cells.containerNames(spec(ds).getTemplate())),
                TableColumn.wide("Images", "string", "Images referenced by each container in the template.",
                        ds -> Cells.images(spec(ds).getTemplate())),
                TableColumn.wide("Selector", "string",
                        "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels.",
                        ds -> LabelSelector.format(spec(ds).getSelector())));
    }

    /** {@code labels.FormatLabels} of the template's node selector: sorted {@code k=v,...} or {@code <none>}. */
    private static String nodeSelector(DaemonSet ds) {
        var template = spec(ds).getTemplate();
        Map<String, String> sel = template == null || template.getSpec() == null ? null
                : template.getSpec().getNodeSelector();
        if (sel == null || sel.isEmpty()) {
            return "<none>";
        }
        List<String> parts = new ArrayList<>();
        new TreeMap<>(sel).forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(",", parts);
    }

    static DaemonSetSpec spec(DaemonSet ds) {
        if (ds.getSpec() == null) {
            ds.setSpec(new DaemonSetSpec());
        }
        return ds.getSpec();
    }

    static DaemonSetStatus status(DaemonSet ds) {
        return ds.getStatus() == null ? new DaemonSetStatus() : ds.getStatus();
    }
}
