package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.storage.StorageException;

/**
 * Maps storage failures to the statuses kube-apiserver answers with (its {@code storeerr} package):
 * not found → 404, exists → 409 AlreadyExists, precondition → 409 Conflict, compacted → 410 Expired, a revision
 * not reached yet → 504 Timeout with a ResourceVersionTooLarge cause,
 * value too large → 413, backend down → 503, a watch cache still priming → 429 (retry after 1 s), anything else →
 * 500; a full disk is a 500 that says so, as kube
 * answers etcd's "database space exceeded".
 */
public final class StorageErrors {

    private StorageErrors() {
    }

    public static StatusError interpret(StorageException e, GroupResource gr, String name) {
        return switch (e.code()) {
            case KEY_NOT_FOUND -> StatusError.notFound(gr, name);
            case KEY_EXISTS -> StatusError.alreadyExists(gr, name);
            case CONFLICT -> StatusError.conflict(gr, name, e.getMessage());
            case EXPIRED -> StatusError.expired(e.getMessage());
            case TOO_LARGE_RESOURCE_VERSION -> StatusError.tooLargeResourceVersion(e.getMessage());
            case INVALID_CONTINUE -> StatusError.badRequest("invalid continue token: " + e.getMessage());
            case TOO_LARGE -> StatusError.requestEntityTooLarge("etcdserver: request is too large");
            case UNREACHABLE -> StatusError.serviceUnavailable("storage is unavailable: " + e.getMessage());
            case NOT_READY -> StatusError.tooManyRequests("storage is (re)initializing", 1);
            case NO_SPACE -> StatusError.internal(e.getMessage());
            case INTERNAL -> StatusError.internal(e.getMessage());
        };
    }
}
