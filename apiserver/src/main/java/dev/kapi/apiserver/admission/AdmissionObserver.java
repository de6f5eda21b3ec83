package dev.kapi.apiserver.admission;

import java.time.Duration;

/**
 * Told how long admission took, for kube-apiserver's admission metrics: each plugin's call ({@code name} set)
 * and each whole step ({@code name} null). {@code type} is {@code admit} (mutating) or {@code validate};
 * {@code operation} is CREATE, UPDATE, DELETE or CONNECT; {@code rejected} whether it refused the request.
 * Called on the request's thread; it must return at once and not throw.
 */
@FunctionalInterface
public interface AdmissionObserver {

    AdmissionObserver NONE = (name, type, operation, rejected, took) -> { };

    void observe(String name, String type, String operation, boolean rejected, Duration took);

    /**
     * The observer of one plugin's calls of one type (or of one whole step, {@code name} null), asked once per
     * plugin when the chain is built, so that each call finds its meter without looking up its name and type.
     */
    default Bound bind(String name, String type) {
        return (operation, rejected, nanos) -> observe(name, type, operation, rejected, Duration.ofNanos(nanos));
    }

    /** {@link #observe} with the plugin's name and the type already given; {@code nanos} is how long it took. */
    @FunctionalInterface
    interface Bound {
        void observe(String operation, boolean rejected, long nanos);
    }
}
