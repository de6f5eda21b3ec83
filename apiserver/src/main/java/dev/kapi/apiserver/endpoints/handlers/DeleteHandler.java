package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusDetails;

import java.io.IOException;

/**
 * DELETE of one object through the write pipeline, with {@code DeleteOptions} from the body or query
 * (preconditions on uid and resourceVersion, dryRun); admission sees the stored object as the old one. An object
 * held by finalizers (or a namespace, now Terminating) is returned with its deletionTimestamp set; a deleted one
 * is answered with a Success status naming it, or with the object itself for a resource whose strategy says so
 * ({@code ResourceStrategy.returnsDeletedObject}: pods, services and the others kube names), as kube-apiserver does; 202 instead of 200 when it
 * is not gone yet and the client asked for cascading with the legacy {@code orphanDependents=false}. The
 * propagation ({@code propagationPolicy}, {@code orphanDependents}) decides the garbage collector's finalizers.
 */
public final class DeleteHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        DeleteOptions options = options(scope);
        Store.DeleteResult<HasMetadata> result = scope.writes().delete(scope.writeScope(), scope.name(), options);
        if (!result.deleted() || scope.definition().strategy().returnsDeletedObject()) {
            // kube: 202 for an object not gone yet whose client asked for cascading with orphanDependents=false
            boolean accepted = !result.deleted() && Boolean.FALSE.equals(options.getOrphanDependents());
            ObjectWriter.writeObject(scope, accepted ? 202 : 200, result.object());
            return;
        }
        ObjectWriter.writeRaw(scope, 200, success(scope, result.object()));
    }

    /** kube's {@code metav1.Status{Status: Success}}, nothing more (an eviction's answer). */
    static Status success() {
        Status s = new Status();
        s.setApiVersion("v1");
        s.setKind("Status");
        s.setMetadata(new io.fabric8.kubernetes.api.model.ListMeta());
        s.setStatus("Success");
        return s;
    }

    /** A Success naming the deleted object, as kube answers a delete of a kind that does not return it. */
    static Status success(RequestScope scope, HasMetadata obj) {
        Status s = success();
        StatusDetails d = new StatusDetails();
        d.setName(obj.getMetadata().getName());
        d.setGroup(scope.definition().group().isEmpty() ? null : scope.definition().group());
        d.setKind(scope.definition().resource());
        d.setUid(obj.getMetadata().getUid());
        s.setDetails(d);
        return s;
    }

    /**
     * The DeleteOptions of the body or query, validated ({@link DeleteOptionsReader}), as admission gets them:
     * typed meta.k8s.io/v1, {@code dryRun: [All]} when the query or the body asks for a dry run.
     */
    static DeleteOptions options(RequestScope scope) throws IOException {
        DeleteOptions options = DeleteOptionsReader.read(scope);
        String warning = scope.definition().strategy().defaultPropagationWarning();
        if (warning != null && options.getPropagationPolicy() == null && options.getOrphanDependents() == null) {
            scope.warn(warning);
        }
        return OperationOptions.delete(options, scope.dryRun() || OperationOptions.isDryRun(options.getDryRun()));
    }
}
