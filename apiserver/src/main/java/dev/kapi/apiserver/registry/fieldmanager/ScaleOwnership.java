package dev.kapi.apiserver.registry.fieldmanager;

import dev.kapi.apiserver.api.fieldpath.FieldSet;
import dev.kapi.apiserver.api.merge.VersionedSet;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;

/**
 * Who owns {@code spec.replicas} after a write through {@code scale} (kube's {@code ScaleHandler}): the writer,
 * alone, as an {@code Update} manager with subresource {@code scale} at the parent's API version; every other
 * manager loses the field.
 */
public final class ScaleOwnership {

    private static final FieldSet REPLICAS = FieldSet.of(List.of(FieldManager.path("spec", "replicas")));

    private ScaleOwnership() {
    }

    /** Gives {@code spec.replicas} of {@code parent} (whose replicas {@code manager} just changed) to it. */
    public static void takeReplicas(HasMetadata parent, String apiVersion, String manager) {
        Managed managed;
        try {
            managed = Managed.decode(parent.getMetadata().getManagedFields());
        } catch (IllegalArgumentException e) {
            managed = Managed.empty();
        }
        Managed m = managed;
        m.fields.replaceAll((key, vs) -> new VersionedSet(vs.set().difference(REPLICAS), vs.apiVersion(),
                vs.applied()));
        m.fields.values().removeIf(vs -> vs.set().isEmpty());
        m.ids.keySet().retainAll(m.fields.keySet());
        m.times.keySet().retainAll(m.fields.keySet());
        ManagerId id = new ManagerId(manager.isEmpty() ? "unknown" : manager, ManagerId.UPDATE, apiVersion, "scale");
        m.put(id, new VersionedSet(REPLICAS, apiVersion, false), FieldManager.now());
        parent.getMetadata().setManagedFields(m.encode());
    }
}
