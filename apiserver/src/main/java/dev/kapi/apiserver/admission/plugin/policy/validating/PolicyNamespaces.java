package dev.kapi.apiserver.admission.plugin.policy.validating;

import io.fabric8.kubernetes.api.model.Namespace;

import java.util.Optional;

/** Reads a namespace (from a cache, else storage): for namespace selectors and {@code namespaceObject}. */
@FunctionalInterface
public interface PolicyNamespaces {

    /** The namespace, or empty when it does not exist. */
    Optional<Namespace> namespace(String name);
}
