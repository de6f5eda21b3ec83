package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.ComponentCondition;
import io.fabric8.kubernetes.api.model.ComponentStatus;

import java.util.List;
import java.util.Objects;

/**
 * Core v1 componentstatuses: nothing stored, read-only (the handler computes each component's health); kubectl
 * shows Status (Healthy or Unhealthy), Message and Error of the {@code Healthy} condition, as kube prints them.
 */
public final class ComponentStatusStrategy implements ResourceStrategy<ComponentStatus> {

    /** kube's Warning on every request to v1 componentstatuses. */
    public static final String DEPRECATED = "v1 ComponentStatus is deprecated in v1.19+";

    @Override
    public List<TableColumn<ComponentStatus>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Status", "string", "Status of the component conditions",
                        cs -> healthy(cs) == null ? "Unknown"
                                : "True".equals(healthy(cs).getStatus()) ? "Healthy" : "Unhealthy"),
                TableColumn.of("Message", "string", "Message of the component conditions",
                        cs -> healthy(cs) == null ? "" : Objects.toString(healthy(cs).getMessage(), "")),
                TableColumn.of("Error", "string", "Error of the component conditions",
                        cs -> healthy(cs) == null ? "" : Objects.toString(healthy(cs).getError(), "")));
    }

    private static ComponentCondition healthy(ComponentStatus cs) {
        return cs.getConditions() == null ? null
                : cs.getConditions().stream().filter(c -> "Healthy".equals(c.getType())).findFirst().orElse(null);
    }
}
