package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;

/** CRDs for the tests of this package, from YAML-like JSON text. */
final class CrdFixtures {

    private CrdFixtures() {
    }

    /** A namespaced CRD {@code <plural>.<group>} with one served storage version v1 and a free-form schema. */
    static CustomResourceDefinition crd(String group, String plural, String kind, String... shortNames) {
        String shorts = shortNames.length == 0 ? "" : ",\"shortNames\":[\"" + String.join("\",\"", shortNames) + "\"]";
        String json = """
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"%s.%s"},
                 "spec":{"group":"%s","scope":"Namespaced",
                   "names":{"plural":"%s","singular":"%s","kind":"%s","listKind":"%sList"%s},
                   "versions":[{"name":"v1","served":true,"storage":true,
                     "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
                """.formatted(plural, group, group, plural, kind.toLowerCase(), kind, kind, shorts);
        return Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), CustomResourceDefinition.class);
    }

    /** {@code crd} as the naming controller left it: its requested names accepted. */
    static CustomResourceDefinition accepted(CustomResourceDefinition crd) {
        new CrdStrategy().prepareForCreate(crd);
        crd.getStatus().setAcceptedNames(crd.getSpec().getNames());
        return crd;
    }
}
