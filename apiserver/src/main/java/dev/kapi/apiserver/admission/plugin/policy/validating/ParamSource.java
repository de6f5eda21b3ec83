package dev.kapi.apiserver.admission.plugin.policy.validating;

import dev.kapi.apiserver.api.selection.LabelSelector;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;
import java.util.Optional;

/**
 * Where a policy's params are read: the resource of its {@code paramKind} (any served kind, a ConfigMap or a
 * custom resource), found by apiVersion and kind.
 */
@FunctionalInterface
public interface ParamSource {

    /** No params: every paramKind is unknown. */
    ParamSource NONE = (apiVersion, kind) -> Optional.empty();

    /** The objects of {@code apiVersion} and {@code kind}, or empty when the server does not serve that kind. */
    Optional<Params> forKind(String apiVersion, String kind);

    /** The objects of one kind; reads are from memory where possible. */
    interface Params {

        boolean namespaced();

        /** Whether reads see every object (waits a moment for the first list); false is kube's "not yet synced". */
        boolean synced();

        /** The object named {@code name} ({@code namespace} "" for a cluster-scoped kind). */
        Optional<HasMetadata> get(String namespace, String name);

        /** The objects in {@code namespace} ("" for a cluster-scoped kind) whose labels {@code selector} matches. */
        List<HasMetadata> list(String namespace, LabelSelector selector);
    }
}
