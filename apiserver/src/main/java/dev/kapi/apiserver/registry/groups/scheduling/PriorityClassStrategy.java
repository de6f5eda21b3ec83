package dev.kapi.apiserver.registry.groups.scheduling;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * scheduling.k8s.io/v1 priorityclasses (cluster-scoped): preemptionPolicy PreemptLowerPriority by default,
 * value 0 when absent (as Go decodes it), user values at most 1e9, "system-" names reserved, value and
 * preemptionPolicy fixed after create.
 */
public final class PriorityClassStrategy implements ResourceStrategy<PriorityClass> {

    static final int HIGHEST_USER_DEFINABLE = 1_000_000_000;
    private static final Map<String, Integer> SYSTEM_CLASSES = Map.of(
            "system-node-critical", 2_000_001_000, "system-cluster-critical", 2_000_000_000);

    @Override
    public void applyDefaults(PriorityClass pc) {
        if (pc.getPreemptionPolicy() == null || pc.getPreemptionPolicy().isEmpty()) {
            pc.setPreemptionPolicy("PreemptLowerPriority");
        }
        if (pc.getValue() == null) {
            pc.setValue(0);
        }
    }

    @Override
    public List<FieldError> validate(PriorityClass pc) {
        List<FieldError> errs = new ArrayList<>();
        String name = pc.getMetadata().getName() == null ? "" : pc.getMetadata().getName();
        int value = pc.getValue() == null ? 0 : pc.getValue();
        if (name.startsWith("system-")) {
            String why = null;
            if (!SYSTEM_CLASSES.containsKey(name)) {
                why = name + " is not a known system priority class";
            } else if (SYSTEM_CLASSES.get(name) != value) {
                why = "value of " + name + " PriorityClass must be " + SYSTEM_CLASSES.get(name);
            }
            if (why != null) {
                errs.add(FieldError.forbidden("metadata.name",
                        "priority class names with 'system-' prefix are reserved for system use only. error: " + why));
            }
        } else if (value > HIGHEST_USER_DEFINABLE) {
            errs.add(FieldError.forbidden("value",
                    "maximum allowed value of a user defined priority is " + HIGHEST_USER_DEFINABLE));
        }
        FieldChecks.oneOf(pc.getPreemptionPolicy(), List.of("Never", "PreemptLowerPriority"), "preemptionPolicy", errs);
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(PriorityClass pc, PriorityClass old) {
        List<FieldError> errs = new ArrayList<>(validate(pc));
        if (!Objects.equals(pc.getValue(), old.getValue())) {
            errs.add(FieldError.forbidden("value", "may not be changed in an update."));
        }
        FieldChecks.immutable(pc.getPreemptionPolicy(), old.getPreemptionPolicy(), pc.getPreemptionPolicy(),
                "preemptionPolicy", errs);
        return errs;
    }

    @Override
    public List<TableColumn<PriorityClass>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Value", "integer",
                        "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.",
                        pc -> (long) (pc.getValue() == null ? 0 : pc.getValue())),
                TableColumn.of("Global-Default", "boolean",
                        "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.",
                        pc -> Boolean.TRUE.equals(pc.getGlobalDefault())),
                TableColumn.ageColumn(),
                TableColumn.of("PreemptionPolicy", "string",
                        "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.",
                        pc -> Objects.toString(pc.getPreemptionPolicy(), "")));
    }
}
