package dev.kapi.apiserver.endpoints.openapi;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** kube's documentation of a type found under the name client-java gives its model. */
class KubeDocsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "io.k8s.api.apps.v1.DeploymentSpec | DeploymentSpec is the specification of the desired behavior of the Deployment.",
            "io.k8s.api.core.v1.Event | Event is a report of an event somewhere in the cluster.  Events have a limited retention time",
            "io.k8s.api.events.v1.Event | Event is a report of an event somewhere in the cluster. It generally denotes some state change",
            "io.k8s.api.discovery.v1.EndpointPort | EndpointPort represents a Port used by an EndpointSlice",
            "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler | HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler",
            "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ServiceReference | ServiceReference holds a reference to Service.legacy.k8s.io",
            "io.k8s.apimachinery.pkg.version.Info | Info contains versioning information."})
    void findsTheModelOfAKubeName(String kubeName, String description) {
        assertThat(KubeDocs.forDefinition(kubeName).description()).startsWith(description);
    }

    @ParameterizedTest
    @CsvSource({"com.example.v1.Pod", "io.k8s.apimachinery.pkg.api.resource.Quantity", "io.k8s.api.core.v1.NoSuchType"})
    void noDocumentationForCustomOrUnmodelledTypes(String name) {
        assertThat(KubeDocs.forDefinition(name)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps, x-kubernetes-int-or-string",
            "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps, default"})
    void fieldsWhoseJavaNameDiffersFromTheirJsonName(String kubeName, String field) {
        assertThat(KubeDocs.of(kubeName).fields().get(field).description()).isNotEmpty();
    }
}
