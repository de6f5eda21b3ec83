package dev.kapi.apiserver.registry;

import io.kubernetes.client.openapi.models.V1Status;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which deletes answer with the deleted object and which with a Success Status is kube's per-resource store option
 * ({@code ReturnDeletedObject}); client-java's generated API (from kube's OpenAPI) declares the answer it decodes,
 * and throws after a delete that worked when the server answers the other one. Every served resource with a
 * delete in client-java 24 must agree with it.
 */
class DeleteAnswersTest {

    @Test
    void everyDeleteAnswersWhatClientJavaExpects() {
        List<String> checked = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (ResourceDefinition<?> d : BuiltInResources.all(
                new RegistryContext(null, "/registry", "10.96.0.0/12", "30000-32767"))) {
            if (!d.serves("delete")) {
                continue;
            }
            Class<?> request = deleteRequest(d);
            if (request == null) {
                continue;
            }
            boolean object = !returnType(request).equals(V1Status.class);
            checked.add(d.resource());
            if (object != d.strategy().returnsDeletedObject()) {
                wrong.add(d.apiVersion() + " " + d.resource() + ": client-java expects "
                        + (object ? "the object" : "a Status"));
            }
        }
        assertThat(checked).hasSizeGreaterThan(40).contains("pods", "services", "configmaps", "storageclasses");
        assertThat(wrong).isEmpty();
    }

    /** {@code CoreV1Api$APIdeleteNamespacedServiceRequest}, {@code StorageV1Api$APIdeleteStorageClassRequest}. */
    private static Class<?> deleteRequest(ResourceDefinition<?> d) {
        StringBuilder api = new StringBuilder();
        String group = d.group().isEmpty() ? "core" : d.group().replace(".k8s.io", "");
        for (String part : group.split("\\.")) {
            api.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
        }
        api.append(d.version().substring(0, 1).toUpperCase(Locale.ROOT)).append(d.version().substring(1)).append("Api");
        String name = "io.kubernetes.client.openapi.apis." + api + "$APIdelete" + (d.namespaced() ? "Namespaced" : "")
                + d.kind() + "Request";
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static Class<?> returnType(Class<?> request) {
        try {
            return request.getMethod("execute").getReturnType();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }
}
