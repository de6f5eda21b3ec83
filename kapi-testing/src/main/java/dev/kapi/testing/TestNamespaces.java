package dev.kapi.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The fresh namespace of one test method ({@link KapiTest#namespacePerTest()}). */
final class TestNamespaces {

    static final String LABEL = "kapi.dev/test-namespace";

    private TestNamespaces() {
    }

    static void create(KubernetesClient admin, String name) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels(LABEL, "true").endMetadata().build()).create();
    }

    /** Starts the namespace's deletion; the server's namespace controller removes what is in it. */
    static void delete(KubernetesClient admin, String name) {
        admin.namespaces().withName(name).delete();
    }
}
