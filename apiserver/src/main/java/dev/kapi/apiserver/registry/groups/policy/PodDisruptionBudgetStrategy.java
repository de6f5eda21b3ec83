package dev.kapi.apiserver.registry.groups.policy;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.Cells;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import dev.kapi.apiserver.registry.validation.GoValues;
import dev.kapi.apiserver.registry.validation.LabelSelectorValidation;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;

import java.util.ArrayList;
import java.util.List;

/** policy/v1 poddisruptionbudgets: minAvailable xor maxUnavailable, int or percent; zeroed initial status. */
public final class PodDisruptionBudgetStrategy implements ResourceStrategy<PodDisruptionBudget> {

    @Override
    public void prepareForCreate(PodDisruptionBudget pdb) {
        if (pdb.getStatus() == null) {
            pdb.setStatus(new PodDisruptionBudgetStatus());
        }
        PodDisruptionBudgetStatus s = pdb.getStatus();
        if (s.getDisruptionsAllowed() == null) {
            s.setDisruptionsAllowed(0);
        }
        if (s.getCurrentHealthy() == null) {
            s.setCurrentHealthy(0);
        }
        if (s.getDesiredHealthy() == null) {
            s.setDesiredHealthy(0);
        }
        if (s.getExpectedPods() == null) {
            s.setExpectedPods(0);
        }
    }

    @Override
    public List<FieldError> validate(PodDisruptionBudget pdb) {
        List<FieldError> errs = new ArrayList<>();
        PodDisruptionBudgetSpec spec = pdb.getSpec() == null ? new PodDisruptionBudgetSpec() : pdb.getSpec();
        if (spec.getMinAvailable() != null && spec.getMaxUnavailable() != null) {
            errs.add(FieldError.invalid("spec", new GoValues.Printed("policy.PodDisruptionBudgetSpec{MinAvailable:"
                            + FieldChecks.text(spec.getMinAvailable()) + ", MaxUnavailable:"
                            + FieldChecks.text(spec.getMaxUnavailable()) + "}"),
                    "minAvailable and maxUnavailable cannot be both set"));
        }
        FieldChecks.intOrPercent(spec.getMinAvailable(), "spec.minAvailable", errs);
        FieldChecks.intOrPercent(spec.getMaxUnavailable(), "spec.maxUnavailable", errs);
        errs.addAll(LabelSelectorValidation.validate(spec.getSelector(), "spec.selector"));
        FieldChecks.oneOf(spec.getUnhealthyPodEvictionPolicy(), List.of("AlwaysAllow", "IfHealthyBudget"),
                "spec.unhealthyPodEvictionPolicy", errs);
        return errs;
    }

    @Override
    public List<TableColumn<PodDisruptionBudget>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Min Available", "string", "The minimum number of pods that must be available.",
                        p -> p.getSpec() == null || p.getSpec().getMinAvailable() == null ? "N/A"
                                : FieldChecks.text(p.getSpec().getMinAvailable())),
                TableColumn.of("Max Unavailable", "string", "The maximum number of pods that may be unavailable.",
                        p -> p.getSpec() == null || p.getSpec().getMaxUnavailable() == null ? "N/A"
                                : FieldChecks.text(p.getSpec().getMaxUnavailable())),
                TableColumn.of("Allowed Disruptions", "integer",
                        "Calculated number of pods that may be disrupted at this time.",
                        p -> Cells.count(p.getStatus() == null ? null : p.getStatus().getDisruptionsAllowed())),
                TableColumn.ageColumn());
    }
}
