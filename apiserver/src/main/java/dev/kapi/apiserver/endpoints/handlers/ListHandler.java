package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ListPage;
import dev.kapi.apiserver.registry.ListParams;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;

/** GET of a collection, with selectors, limit/continue and resourceVersion semantics. */
public final class ListHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        ListPage<HasMetadata> page = scope.store().list(scope.namespace(), params(scope));
        ObjectWriter.writeList(scope, page);
    }

    static ListParams<HasMetadata> params(RequestScope scope) {
        return new ListParams<>(SelectorFilter.of(scope), orEmpty(scope.param("resourceVersion")),
                orEmpty(scope.param("resourceVersionMatch")), limit(scope), emptyToNull(scope.param("continue")));
    }

    static long limit(RequestScope scope) {
        String l = scope.param("limit");
        if (l == null || l.isEmpty()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(l));
        } catch (NumberFormatException e) {
            throw StatusError.badRequest("invalid limit: \"" + l + "\"");
        }
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
