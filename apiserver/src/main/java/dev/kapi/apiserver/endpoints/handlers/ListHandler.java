package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.registry.ListPage;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.StoredObject;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;

/** GET of a collection, with selectors, limit/continue and resourceVersion semantics. */
public final class ListHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        ListPage<StoredObject<HasMetadata>> page = scope.store().listStored(scope.namespace(), params(scope));
        StoredWriter.writeList(scope, page);
    }

    /**
     * The list options of the query, converted as kube's parameter codec does: a {@code limit} or
     * {@code timeoutSeconds} that is not an integer, or a {@code watch} that is not a boolean, is a 400.
     */
    static ListParams<HasMetadata> params(RequestScope scope) {
        QueryParams.checkListWatchFlag(scope);
        QueryParams.int64(scope, "timeoutSeconds");
        return new ListParams<>(SelectorFilter.of(scope), orEmpty(scope.param("resourceVersion")),
                orEmpty(scope.param("resourceVersionMatch")), limit(scope), emptyToNull(scope.param("continue")));
    }

    static long limit(RequestScope scope) {
        Long limit = QueryParams.int64(scope, "limit");
        return limit == null ? 0 : Math.max(0, limit);
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
