package dev.kapi.apiserver.storage;

import java.time.Duration;

/**
 * Told how long each storage call took, for kube-apiserver's {@code etcd_request_duration_seconds}: the server
 * puts an {@link ObservedStorage} in front of the backend with an observer that records a metric. Storage knows
 * nothing of metrics or HTTP; it only reports.
 *
 * <p>{@code operation} is one of {@code create}, {@code get}, {@code list}, {@code update}, {@code delete},
 * {@code compact}; {@code type} is the kind of data the key holds, as kube names it: {@code pods},
 * {@code deployments.apps} for {@code /registry/apps/deployments/...} ({@link ObservedStorage#typeOf}).
 *
 * <p>Called on the caller's thread after the call returned or failed; it must return at once and not throw.
 */
@FunctionalInterface
public interface StorageObserver {

    void observe(String operation, String type, Duration took);
}
