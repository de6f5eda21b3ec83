package dev.kapi.apiserver.registry.apiextensions;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatus;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The conditions of a CRD's status (kube's {@code apiextensions/helpers.go}). */
public final class CrdConditions {

    public static final String NAMES_ACCEPTED = "NamesAccepted";
    public static final String ESTABLISHED = "Established";
    public static final String TERMINATING = "Terminating";

    private CrdConditions() {
    }

    public static CustomResourceDefinitionCondition of(String type, String status, String reason, String message) {
        CustomResourceDefinitionCondition c = new CustomResourceDefinitionCondition();
        c.setType(type);
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message);
        return c;
    }

    public static CustomResourceDefinitionCondition find(CustomResourceDefinition crd, String type) {
        if (crd.getStatus() == null || crd.getStatus().getConditions() == null) {
            return null;
        }
        return crd.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    public static boolean isTrue(CustomResourceDefinition crd, String type) {
        CustomResourceDefinitionCondition c = find(crd, type);
        return c != null && "True".equals(c.getStatus());
    }

    /**
     * Sets a condition, as kube's {@code SetCRDCondition}: the transition time changes only when the status
     * does; reason and message are always taken.
     */
    public static void set(CustomResourceDefinition crd, CustomResourceDefinitionCondition condition) {
        if (crd.getStatus() == null) {
            crd.setStatus(new CustomResourceDefinitionStatus());
        }
        List<CustomResourceDefinitionCondition> conditions = crd.getStatus().getConditions() == null
                ? new ArrayList<>() : new ArrayList<>(crd.getStatus().getConditions());
        CustomResourceDefinitionCondition existing = find(crd, condition.getType());
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        if (existing == null) {
            condition.setLastTransitionTime(now);
            conditions.add(condition);
        } else {
            if (!Objects.equals(existing.getStatus(), condition.getStatus())) {
                existing.setStatus(condition.getStatus());
                existing.setLastTransitionTime(now);
            }
            existing.setReason(condition.getReason());
            existing.setMessage(condition.getMessage());
        }
        crd.getStatus().setConditions(conditions);
    }
}
