package dev.kapi.apiserver.registry;

/**
 * A condition of one Table row ({@code meta.k8s.io} {@code TableRowCondition}), e.g. kube's pod printer marks the
 * rows of finished pods {@code Completed} so that {@code kubectl get pods} can hide them without
 * {@code --show-all}.
 */
public record TableRowCondition(String type, String status, String reason, String message) {
}
