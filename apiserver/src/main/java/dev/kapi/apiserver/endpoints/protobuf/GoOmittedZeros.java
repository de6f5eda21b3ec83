package dev.kapi.apiserver.endpoints.protobuf;

import dev.kapi.apiserver.api.GoZeroValues;

/**
 * Which zero values Go's encoding/json leaves out: a non-pointer string, bool or number field tagged
 * {@code omitempty} holding "", false or 0 ({@link GoZeroValues#omitted}). Go's protobuf code writes such fields
 * even when zero, so a protobuf body from kubectl or client-go carries e.g. {@code DeploymentSpec.paused: false},
 * {@code Container.tty: false} and {@code hostPort: 0}: kube decodes them into its Go struct and never shows or
 * stores them, so neither may we (they would also be owned by the writer's field manager, and a later apply by
 * another manager would conflict with them).
 */
final class GoOmittedZeros {

    private GoOmittedZeros() {
    }

    /**
     * Whether {@code value} of the field with JSON name {@code jsonName} of message {@code messageFullName}
     * ({@code k8s.io.api.apps.v1.DeploymentSpec}) is a zero value Go's JSON would omit.
     */
    static boolean omitted(String messageFullName, String jsonName, Object value) {
        return GoZeroValues.omitted(definition(messageFullName), jsonName, value); // a ByteString is never a zero
    }

    /**
     * kube's OpenAPI name of a protobuf message: {@code k8s.io.api.apps.v1.DeploymentSpec} is
     * {@code io.k8s.api.apps.v1.DeploymentSpec}, {@code k8s.io.apiextensions_apiserver...} is
     * {@code io.k8s.apiextensions-apiserver...}.
     */
    static String definition(String messageFullName) {
        String name = messageFullName.startsWith("k8s.io.") ? "io.k8s." + messageFullName.substring(7) : messageFullName;
        return name.replace('_', '-');
    }
}
