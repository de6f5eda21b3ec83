package dev.kapi.apiserver.registry.groups.node;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.NameValidation;
import dev.kapi.apiserver.registry.validation.ObjectMetaValidation;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * node.k8s.io/v1 runtimeclasses (cluster-scoped): a handler that is a DNS-1123 label and fixed after create,
 * non-negative pod overhead, and scheduling's nodeSelector valid as labels (kube's {@code ValidateRuntimeClass}).
 */
public final class RuntimeClassStrategy implements ResourceStrategy<RuntimeClass> {

    /** A PUT of a missing one creates it, as in kube. */
    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public List<FieldError> validate(RuntimeClass rc) {
        List<FieldError> errs = new ArrayList<>();
        String handler = Objects.toString(rc.getHandler(), "");
        if (handler.isEmpty()) {
            errs.add(FieldError.required("handler", ""));
        } else {
            for (String msg : NameValidation.dns1123Label(handler)) {
                errs.add(FieldError.invalid("handler", handler, msg));
            }
        }
        if (rc.getOverhead() != null && rc.getOverhead().getPodFixed() != null) {
            for (Map.Entry<String, Quantity> e : rc.getOverhead().getPodFixed().entrySet()) {
                if (e.getValue() != null && e.getValue().getNumericalAmount().signum() < 0) {
                    errs.add(FieldError.invalid("overhead.podFixed[" + e.getKey() + "]", e.getValue().toString(),
                            "must be greater than or equal to 0"));
                }
            }
        }
        if (rc.getScheduling() != null && rc.getScheduling().getNodeSelector() != null) {
            errs.addAll(ObjectMetaValidation.validateLabels(rc.getScheduling().getNodeSelector(),
                    "scheduling.nodeSelector"));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(RuntimeClass rc, RuntimeClass old) {
        List<FieldError> errs = validate(rc);
        if (!Objects.equals(rc.getHandler(), old.getHandler())) {
            errs.add(FieldError.invalid("handler", rc.getHandler(), "field is immutable"));
        }
        return errs;
    }

    @Override
    public List<TableColumn<RuntimeClass>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Handler", "string",
                        "handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class.",
                        rc -> Objects.toString(rc.getHandler(), "")),
                TableColumn.ageColumn());
    }
}
