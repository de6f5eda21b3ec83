package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.Kubectl.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Deleting a CRD with kubectl removes its objects (the cleanup finalizer) and stops serving its resource. */
@ExtendWith(KapiServerExtension.class)
class CustomResourceDefinitionDeletionIT {

    private static final String NS = "e2e-crd-deletion";
    private static final Kubectl KUBECTL = Kubectl.named("kubectl");

    private static String ok(String stdin, String... args) {
        Result r = KUBECTL.runWithInput(stdin, args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out();
    }

    @Test
    void deletingTheCrdDeletesItsObjectsAndStopsServingIt() {
        KubeHttp.createNamespace(NS);
        ok(CustomResourcesKubectlIT.CRD.replace("kubectl.e2e.kapi.dev", "deletion.e2e.kapi.dev"), "apply", "-f", "-");
        ok(null, "wait", "--for=condition=Established", "--timeout=5s", "crd/gizmos.deletion.e2e.kapi.dev");
        for (String name : new String[] {"a", "b"}) {
            ok("""
                    apiVersion: deletion.e2e.kapi.dev/v1
                    kind: Gizmo
                    metadata: {name: %s, namespace: %s}
                    spec: {replicas: 1, color: red, mode: x}
                    """.formatted(name, NS), "apply", "-f", "-");
        }
        assertThat(KubeHttp.get("/apis/deletion.e2e.kapi.dev/v1/namespaces/" + NS + "/gizmos").json()
                .get("items").size()).isEqualTo(2);
        assertThat(ok(null, "delete", "crd", "gizmos.deletion.e2e.kapi.dev", "--timeout=20s"))
                .contains("customresourcedefinition.apiextensions.k8s.io \"gizmos.deletion.e2e.kapi.dev\" deleted");
        assertThat(KubeHttp.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gizmos.deletion.e2e.kapi.dev")
                .code()).isEqualTo(404);
        assertThat(KubeHttp.get("/apis/deletion.e2e.kapi.dev/v1/namespaces/" + NS + "/gizmos").code()).isEqualTo(404);
        Result gone = KUBECTL.run("get", "gizmos.deletion.e2e.kapi.dev", "-n", NS);
        assertThat(gone.exit()).isNotZero();
        // created again, the resource starts empty: the objects were deleted, not just hidden
        ok(CustomResourcesKubectlIT.CRD.replace("kubectl.e2e.kapi.dev", "deletion.e2e.kapi.dev"), "apply", "-f", "-");
        ok(null, "wait", "--for=condition=Established", "--timeout=5s", "crd/gizmos.deletion.e2e.kapi.dev");
        assertThat(KubeHttp.get("/apis/deletion.e2e.kapi.dev/v1/namespaces/" + NS + "/gizmos").json()
                .get("items").size()).isZero();
    }
}
