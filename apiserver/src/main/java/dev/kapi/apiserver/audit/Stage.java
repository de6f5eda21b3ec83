package dev.kapi.apiserver.audit;

/**
 * When an event is written (kube's audit stages): as the request arrives, once the response headers are sent
 * (long-running requests only: watches, logs, exec and the like), when the response is complete, or when the
 * request failed with an unexpected error.
 */
public enum Stage {
    RequestReceived, ResponseStarted, ResponseComplete, Panic
}
