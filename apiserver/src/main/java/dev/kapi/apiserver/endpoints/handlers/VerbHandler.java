package dev.kapi.apiserver.endpoints.handlers;

import java.io.IOException;

/** Serves one Kubernetes verb (get, list, create, ...) on a resolved {@link RequestScope}. */
@FunctionalInterface
public interface VerbHandler {

    void handle(RequestScope scope) throws IOException;
}
