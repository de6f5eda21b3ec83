package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The official Java client (io.kubernetes:client-java 24) through the server's kubeconfig. */
@ExtendWith(KapiServerExtension.class)
class ClientJavaIT {

    private static final String NS = "e2e-client-java";
    private static CoreV1Api core;

    @BeforeAll
    static void connect() throws IOException {
        KubeHttp.createNamespace(NS);
        try (Reader reader = Files.newBufferedReader(KapiServerExtension.server().kubeconfig())) {
            ApiClient client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(reader)).build();
            core = new CoreV1Api(client);
        }
    }

    @Test
    void listsNamespaces() throws ApiException {
        assertThat(core.listNamespace().execute().getItems()).extracting(n -> n.getMetadata().getName())
                .contains("default", "kube-system", NS);
        V1Namespace ns = core.readNamespace(NS).execute();
        assertThat(ns.getStatus().getPhase()).isEqualTo("Active");
    }

    @Test
    void createsAndReadsConfigMap() throws ApiException {
        V1ConfigMap cm = new V1ConfigMap().metadata(new V1ObjectMeta().name("official").labels(Map.of("app", "cj")))
                .data(Map.of("k", "v"));
        V1ConfigMap created = core.createNamespacedConfigMap(NS, cm).execute();
        assertThat(created.getMetadata().getUid()).isNotEmpty();
        assertThat(core.readNamespacedConfigMap("official", NS).execute().getData()).containsEntry("k", "v");
        assertThat(core.listNamespacedConfigMap(NS).labelSelector("app=cj").execute().getItems()).hasSize(1);

        ApiException conflict = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
                () -> core.createNamespacedConfigMap(NS, cm).execute());
        assertThat(conflict.getCode()).isEqualTo(409);
        assertThat(conflict.getResponseBody()).contains("\"reason\":\"AlreadyExists\"");
    }
}
