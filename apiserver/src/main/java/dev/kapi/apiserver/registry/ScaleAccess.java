package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleStatus;

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

    /** A Scale's desired replicas: 0 when left out, as Go reads {@code spec.replicas} (no pointer). */
    static int desiredReplicas(Scale scale) {
        Integer replicas = scale.getSpec() == null ? null : scale.getSpec().getReplicas();
        return replicas == null ? 0 : replicas;
    }

    /**
     * The Scale of an object, as kube's {@code scaleFrom<Kind>}: its name, namespace, uid, resourceVersion and
     * creationTimestamp, desired and observed replicas and the selector (as Go's JSON writes them: a desired 0 and
     * an empty selector left out).
     */
    default Scale toScale(T obj) {
        Scale s = new Scale();
        s.setApiVersion("autoscaling/v1");
        s.setKind("Scale");
        ObjectMeta m = new ObjectMeta();
        m.setName(obj.getMetadata().getName());
        m.setNamespace(obj.getMetadata().getNamespace());
        m.setUid(obj.getMetadata().getUid());
        m.setResourceVersion(obj.getMetadata().getResourceVersion());
        m.setCreationTimestamp(obj.getMetadata().getCreationTimestamp());
        s.setMetadata(m);
        // Go's omitempty: spec.replicas 0 and an empty selector are left out (status.replicas has no omitempty)
        int replicas = specReplicas(obj);
        String selector = selector(obj);
        s.setSpec(new ScaleSpec(replicas == 0 ? null : replicas));
        s.setStatus(new ScaleStatus(statusReplicas(obj), selector.isEmpty() ? null : selector));
        return s;
    }
}
