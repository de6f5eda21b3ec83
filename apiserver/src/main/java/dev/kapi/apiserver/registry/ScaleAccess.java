package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * How the {@code scale} subresource ({@code autoscaling/v1 Scale}) reads and writes one type:
 * desired replicas in spec, observed replicas in status, and the label selector as a string.
 */
public interface ScaleAccess<T extends HasMetadata> {

    int specReplicas(T obj);

    void setSpecReplicas(T obj, int replicas);

    int statusReplicas(T obj);

    /** The selector in its string form ({@code app=web,tier in (a,b)}), or "" when none. */
    String selector(T obj);
}
