package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.Quantity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LimitRanges: kube's Container item defaults (default limit from max, default request from the default limit,
 * then from min), {@link LimitRangeValidation} and the NAME / CREATED AT columns.
 */
public final class LimitRangeStrategy implements ResourceStrategy<LimitRange> {

    /** A PUT of a missing one creates it, as in kube. */
    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public List<FieldError> validate(LimitRange lr) {
        return LimitRangeValidation.validate(lr);
    }

    @Override
    public List<FieldError> validateUpdate(LimitRange lr, LimitRange old) {
        return LimitRangeValidation.validate(lr);
    }

    @Override
    public void applyDefaults(LimitRange lr) {
        if (lr.getSpec() == null || lr.getSpec().getLimits() == null) {
            return;
        }
        for (LimitRangeItem item : lr.getSpec().getLimits()) {
            if (!"Container".equals(item.getType())) {
                continue;
            }
            Map<String, Quantity> def = copy(item.getDefault());
            Map<String, Quantity> defReq = copy(item.getDefaultRequest());
            copy(item.getMax()).forEach(def::putIfAbsent);
            def.forEach(defReq::putIfAbsent);
            copy(item.getMin()).forEach(defReq::putIfAbsent);
            item.setDefault(def.isEmpty() ? item.getDefault() : def);
            item.setDefaultRequest(defReq.isEmpty() ? item.getDefaultRequest() : defReq);
        }
    }

    private static Map<String, Quantity> copy(Map<String, Quantity> m) {
        Map<String, Quantity> out = new LinkedHashMap<>();
        if (m != null) {
            m.forEach((k, v) -> out.put(k, new Quantity(v.toString())));
        }
        return out;
    }

    @Override
    public List<TableColumn<LimitRange>> tableColumns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Created At", "date", "CreationTimestamp is a timestamp representing the server time "
                        + "when this object was created.", l -> l.getMetadata().getCreationTimestamp() == null ? ""
                        : l.getMetadata().getCreationTimestamp()));
    }
}
