package dev.kapi.apiserver.registry.groups.apps;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.Cells;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.ScaleAccess;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.core.PodSpecDefaults;
import dev.kapi.apiserver.registry.core.PodSpecValidation;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import dev.kapi.apiserver.registry.groups.WorkloadChecks;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;

import java.util.ArrayList;
import java.util.List;

/** apps/v1 deployments: defaults (replicas 1, RollingUpdate 25%/25%, history 10, deadline 600), validation. */
public final class DeploymentStrategy implements ResourceStrategy<Deployment> {

    @Override
    public void applyDefaults(Deployment d) {
        DeploymentSpec spec = spec(d);
        if (spec.getReplicas() == null) {
            spec.setReplicas(1);
        }
        if (spec.getStrategy() == null) {
            spec.setStrategy(new io.fabric8.kubernetes.api.model.apps.DeploymentStrategy());
        }
        var strategy = spec.getStrategy();
        if (strategy.getType() == null || strategy.getType().isEmpty()) {
            strategy.setType("RollingUpdate");
        }
        if ("RollingUpdate".equals(strategy.getType())) {
            if (strategy.getRollingUpdate() == null) {
                strategy.setRollingUpdate(new RollingUpdateDeployment());
            }
            RollingUpdateDeployment ru = strategy.getRollingUpdate();
            if (ru.getMaxUnavailable() == null) {
                ru.setMaxUnavailable(new IntOrString("25%"));
            }
            if (ru.getMaxSurge() == null) {
                ru.setMaxSurge(new IntOrString("25%"));
            }
        }
        if (spec.getRevisionHistoryLimit() == null) {
            spec.setRevisionHistoryLimit(10);
        }
        if (spec.getProgressDeadlineSeconds() == null) {
            spec.setProgressDeadlineSeconds(600);
        }
        PodSpecDefaults.applyTemplate(spec.getTemplate());
    }

    @Override
    public List<FieldError> validate(Deployment d) {
        List<FieldError> errs = new ArrayList<>();
        DeploymentSpec spec = spec(d);
        FieldChecks.nonNegative(spec.getReplicas(), "spec.replicas", errs);
        WorkloadChecks.selectorAndTemplate(spec.getSelector(), spec.getTemplate(), "deployment", errs);
        errs.addAll(PodSpecValidation.restartPolicyAlways(spec.getTemplate(), "spec.template"));
        validateStrategy(spec.getStrategy(), errs);
        FieldChecks.nonNegative(spec.getMinReadySeconds(), "spec.minReadySeconds", errs);
        FieldChecks.nonNegative(spec.getRevisionHistoryLimit(), "spec.revisionHistoryLimit", errs);
        Integer deadline = spec.getProgressDeadlineSeconds();
        if (deadline != null) {
            FieldChecks.nonNegative(deadline, "spec.progressDeadlineSeconds", errs);
            int minReady = spec.getMinReadySeconds() == null ? 0 : spec.getMinReadySeconds();
            if (deadline <= minReady) {
                errs.add(FieldError.invalid("spec.progressDeadlineSeconds", deadline,
                        "must be greater than minReadySeconds"));
            }
        }
        return errs;
    }

    private static void validateStrategy(io.fabric8.kubernetes.api.model.apps.DeploymentStrategy strategy,
                                         List<FieldError> errs) {
        if (strategy == null) {
            return;
        }
        String type = strategy.getType();
        FieldChecks.oneOf(type, List.of("Recreate", "RollingUpdate"), "spec.strategy.type", errs);
        RollingUpdateDeployment ru = strategy.getRollingUpdate();
        if ("Recreate".equals(type) && ru != null) {
            errs.add(FieldError.forbidden("spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'"));
        } else if (ru != null) {
            String p = "spec.strategy.rollingUpdate";
            FieldChecks.intOrPercent(ru.getMaxUnavailable(), p + ".maxUnavailable", errs);
            FieldChecks.intOrPercent(ru.getMaxSurge(), p + ".maxSurge", errs);
            if (ru.getMaxUnavailable() != null && FieldChecks.isZero(ru.getMaxUnavailable())
                    && FieldChecks.isZero(ru.getMaxSurge())) {
                errs.add(FieldError.invalid(p + ".maxUnavailable", FieldChecks.value(ru.getMaxUnavailable()),
                        "may not be 0 when `maxSurge` is 0"));
            }
        }
    }

    @Override
    public List<FieldError> validateUpdate(Deployment d, Deployment old) {
        List<FieldError> errs = validate(d);
        WorkloadChecks.selectorImmutable(spec(d).getSelector(), spec(old).getSelector(), errs);
        return errs;
    }

    @Override
    public List<TableColumn<Deployment>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Ready", "string", "Number of the pod with ready state",
                        d -> Cells.count(status(d).getReadyReplicas()) + "/" + Cells.count(spec(d).getReplicas())),
                TableColumn.of("Up-to-date", "string",
                        "Total number of non-terminating pods targeted by this deployment that have the desired template spec.",
                        d -> Cells.count(status(d).getUpdatedReplicas())),
                TableColumn.of("Available", "string",
                        "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.",
                        d -> Cells.count(status(d).getAvailableReplicas())),
                TableColumn.ageColumn(),
                TableColumn.wide("Containers", "string", "Names of each container in the template.",
                        d -> Cells.containerNames(spec(d).getTemplate())),
                TableColumn.wide("Images", "string", "Images referenced by each container in the template.",
                        d -> Cells.images(spec(d).getTemplate())),
                TableColumn.wide("Selector", "string",
                        "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.",
                        d -> dev.kapi.apiserver.api.selection.LabelSelector.fromObject(spec(d).getSelector()).toString()));
    }

    /** The scale subresource: spec.replicas, status.replicas, the selector string. */
    public static ScaleAccess<Deployment> scale() {
        return new ReplicasScale<>(d -> spec(d).getReplicas(), (d, r) -> spec(d).setReplicas(r),
                d -> status(d).getReplicas(), d -> spec(d).getSelector());
    }

    static DeploymentSpec spec(Deployment d) {
        if (d.getSpec() == null) {
            d.setSpec(new DeploymentSpec());
        }
        return d.getSpec();
    }

    static DeploymentStatus status(Deployment d) {
        return d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    }
}
