package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.AdmissionChain;
import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ScaleAccess;
import dev.kapi.apiserver.registry.WriteOptions;
import dev.kapi.apiserver.registry.fieldmanager.ScaleOwnership;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.UpdateOptions;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;

import java.util.List;

/**
 * One update through the {@code scale} subresource, as kube's {@code ScaleREST} with its
 * {@code scaleUpdatedObjectInfo}: the parent's current Scale goes through the request's
 * {@link UpdatedObject} and mutating admission (new and old Scale), the wanted Scale is checked (a stale
 * resourceVersion is a 409, negative replicas a 422) and becomes the parent's spec.replicas, and the parent's
 * own update runs (strategy, validation) with validating admission on the Scales of the new and old parent.
 */
final class ScaleUpdate<T extends HasMetadata> {

    private final AdmissionChain admission;
    private final WriteScope<T> scope;
    private final String name;
    private final boolean dryRun;
    private final AdmissionAttributes attributes;
    private final ScaleAccess<T> access;
    private final String manager;

    ScaleUpdate(AdmissionChain admission, WriteScope<T> scope, String name, UpdateOptions options) {
        this.admission = admission;
        this.scope = scope;
        this.name = name;
        this.dryRun = OperationOptions.isDryRun(options.getDryRun());
        this.attributes = Attributes.of(Operation.UPDATE, scope, name, options, dryRun);
        this.access = scope.store().definition().scale();
        this.manager = scope.manager(options.getFieldManager());
    }

    Scale run(UpdatedObject<Scale> updated) {
        T written = scope.store().update(scope.namespace(), name, (current, stored) -> {
            Scale old = access.toScale(stored);
            Scale wanted = WritePipeline.cast(admission.mutate(
                    attributes.withObjects(updated.updated(access.toScale(stored)), old)));
            int replicas = checkedReplicas(wanted, stored);
            if (replicas != ScaleAccess.desiredReplicas(old)) {
                ScaleOwnership.takeReplicas(current, scope.store().definition().apiVersion(), manager);
            }
            access.setSpecReplicas(current, replicas);
            return current;
        }, null, new WriteOptions(dryRun, (obj, old) -> admission.validate(attributes.withObjects(
                access.toScale(WritePipeline.cast(obj)), access.toScale(WritePipeline.cast(old))))));
        return access.toScale(written);
    }

    private int checkedReplicas(Scale wanted, T stored) {
        String rv = wanted.getMetadata() == null ? null : wanted.getMetadata().getResourceVersion();
        if (rv != null && !rv.isEmpty() && !rv.equals(stored.getMetadata().getResourceVersion())) {
            throw StatusError.conflict(scope.store().definition().groupResource(), name, StatusError.MODIFIED);
        }
        int replicas = ScaleAccess.desiredReplicas(wanted); // left out: 0, as Go decodes it
        if (replicas < 0) {
            throw StatusError.invalid("Scale", "autoscaling", name, List.of(
                    FieldError.invalid("spec.replicas", replicas, "must be greater than or equal to 0")));
        }
        return replicas;
    }
}
