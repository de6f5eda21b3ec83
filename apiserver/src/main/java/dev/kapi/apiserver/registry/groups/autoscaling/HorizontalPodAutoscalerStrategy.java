package dev.kapi.apiserver.registry.groups.autoscaling;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * autoscaling/v2 HorizontalPodAutoscalers (the stored version; autoscaling/v1 is served through
 * {@link HpaConversion}): kube's v2 defaults and validation, the status subresource's checks and kubectl's columns.
 */
public final class HorizontalPodAutoscalerStrategy implements ResourceStrategy<HorizontalPodAutoscaler> {

    @Override
    public void applyDefaults(HorizontalPodAutoscaler hpa) {
        HpaDefaults.apply(hpa);
    }

    @Override
    public List<FieldError> validate(HorizontalPodAutoscaler hpa) {
        return HpaValidation.spec(hpa.getSpec());
    }

    @Override
    public List<FieldError> validateStatusUpdate(HorizontalPodAutoscaler hpa, HorizontalPodAutoscaler old) {
        HorizontalPodAutoscalerStatus s = hpa.getStatus() == null ? new HorizontalPodAutoscalerStatus() : hpa.getStatus();
        List<FieldError> errs = new ArrayList<>();
        if (s.getCurrentReplicas() != null && s.getCurrentReplicas() < 0) {
            errs.add(FieldError.invalid("status.currentReplicas", s.getCurrentReplicas(), "must be greater than or equal to 0"));
        }
        if (s.getDesiredReplicas() != null && s.getDesiredReplicas() < 0) {
            errs.add(FieldError.invalid("status.desiredReplicas", s.getDesiredReplicas(), "must be greater than or equal to 0"));
        }
        return errs;
    }

    @Override
    public List<TableColumn<HorizontalPodAutoscaler>> tableColumns() {
        return HpaPrinter.columns();
    }
}
