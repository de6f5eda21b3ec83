package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.handlers.ObjectDecoder;
import dev.kapi.apiserver.endpoints.handlers.ObjectWriter;
import dev.kapi.apiserver.endpoints.handlers.RequestScope;
import dev.kapi.apiserver.endpoints.handlers.VerbHandler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * POST of a review object (kube-apiserver's create handler in front of a review REST that stores nothing):
 * read and decode the body, put it in the URL's namespace, then the write pipeline's create of an object it
 * does not store: mutating admission, the review's own checks, validating admission, then 201 with the answer.
 * Dry run changes nothing, since nothing is stored.
 */
abstract class ReviewHandler implements VerbHandler {

    @Override
    public final void handle(RequestScope scope) throws IOException {
        boolean dryRun = scope.dryRun();
        HasMetadata obj = ObjectDecoder.readObject(scope);
        matchNamespace(scope, obj);
        String name = obj.getMetadata() == null || obj.getMetadata().getName() == null ? ""
                : obj.getMetadata().getName();
        ObjectNode answer = scope.writes().create(scope.writeScope(), name, obj, scope.createOptions(dryRun),
                (admitted, validation) -> {
                    check(scope, admitted);
                    validation.accept(admitted);
                    return answer(scope, admitted);
                });
        ObjectWriter.writeRaw(scope, 201, ReviewTrees.withTypeMeta(scope.definition(), answer));
    }

    /** The review's own validation: a 422 (or 400) before admission and the answer. */
    abstract void check(RequestScope scope, HasMetadata review);

    /** The object returned to the client: the request's review with its status filled in, as a tree. */
    abstract ObjectNode answer(RequestScope scope, HasMetadata review);

    /**
     * As kube-apiserver before any create: an object of a namespaced resource takes the URL's namespace
     * (400 when it names another one); a cluster-scoped one loses any namespace it carries.
     */
    private static void matchNamespace(RequestScope scope, HasMetadata obj) {
        String requested = scope.namespace() == null ? "" : scope.namespace();
        ObjectMeta meta = obj.getMetadata();
        String given = meta == null || meta.getNamespace() == null ? "" : meta.getNamespace();
        if (given.equals(requested)) {
            return;
        }
        if (meta == null) {
            meta = new ObjectMeta();
            obj.setMetadata(meta);
        }
        if (given.isEmpty()) {
            meta.setNamespace(requested);
        } else if (requested.isEmpty()) {
            meta.setNamespace(null);
        } else {
            throw StatusError.badRequest("the namespace of the provided object does not match the namespace sent on "
                    + "the request");
        }
    }
}
