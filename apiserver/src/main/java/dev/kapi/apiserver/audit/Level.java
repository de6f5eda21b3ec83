package dev.kapi.apiserver.audit;

/**
 * How much of a request is recorded (kube's {@code audit.k8s.io/v1} Level): None records nothing; Metadata the
 * request's metadata (user, verb, resource, status, annotations) but no bodies; Request adds the request
 * object; RequestResponse adds the response object. Bodies are only ever recorded for resource requests.
 */
public enum Level {
    None, Metadata, Request, RequestResponse;

    /** Whether this level records at least what {@code other} records. */
    public boolean atLeast(Level other) {
        return compareTo(other) >= 0;
    }
}
