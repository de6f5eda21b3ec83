package dev.kapi.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.Pod;

/** What several places ask of a pod (kube's {@code pkg/api/pod} helpers). */
public final class Pods {

    private Pods() {
    }

    /** kube's {@code IsPodReady}: the Ready condition is True. */
    public static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
