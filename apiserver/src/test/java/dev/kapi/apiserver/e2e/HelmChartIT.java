package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.deploy.ChartValueSets;
import dev.kapi.apiserver.deploy.HelmChart;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code helm/kapi} chart against the packaged server: every manifest it renders, with each value set of
 * {@link ChartValueSets}, is accepted by a server-side dry run ({@code dryRun=All}); and the chart is installed
 * into Kapi itself with Helm (helm-java, the admin kubeconfig), listed, upgraded (its generated keys and
 * certificates kept) and uninstalled. Nothing runs the pods (Kapi has no controllers), so nothing waits for them.
 */
@ExtendWith(KapiServerExtension.class)
class HelmChartIT {

    private static final String DRY_RUN_NS = "e2e-helm-dry-run";
    private static final String INSTALL_NS = "e2e-helm-install";
    private static final String RELEASE = "e2e-helm";
    /**
     * Helm registers the release's webhooks in the cluster it installs into, here the shared server: they only
     * match namespaces with a label nobody sets, so that other tests' pods never meet them.
     */
    private static final String INSTALL_VALUES = """
            admissionWebhooks:
              registration:
                into: cluster
                namespaceSelector:
                  matchLabels: {kapi.dev/e2e-helm: "never"}
            """;

    /** Where each kind the chart renders is created; a kind missing here fails the test instead of being skipped. */
    private static final Map<String, String> COLLECTIONS = Map.of(
            "Secret", "/api/v1/namespaces/%s/secrets",
            "ConfigMap", "/api/v1/namespaces/%s/configmaps",
            "Service", "/api/v1/namespaces/%s/services",
            "Deployment", "/apis/apps/v1/namespaces/%s/deployments",
            "StatefulSet", "/apis/apps/v1/namespaces/%s/statefulsets",
            "PodDisruptionBudget", "/apis/policy/v1/namespaces/%s/poddisruptionbudgets",
            "MutatingWebhookConfiguration", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
            "ValidatingWebhookConfiguration", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations");

    @Test
    @Timeout(600)
    void everyRenderedManifestPassesAServerSideDryRun() {
        KubeHttp.createNamespace(DRY_RUN_NS);
        Map<String, String> refused = new TreeMap<>();
        int sent = 0;
        for (Map.Entry<String, String> set : new TreeMap<>(ChartValueSets.ALL).entrySet()) {
            List<ObjectNode> manifests = HelmChart.render("dry-" + set.getKey(), DRY_RUN_NS, set.getValue());
            assertThat(manifests).as(set.getKey()).isNotEmpty();
            for (ObjectNode m : manifests) {
                KubeHttp.Reply r = KubeHttp.post(collection(m) + "?dryRun=All", Json.MAPPER.writeValueAsString(m));
                sent++;
                if (r.code() != 201) {
                    refused.put(set.getKey() + ": " + m.path("kind").asString() + "/"
                            + m.path("metadata").path("name").asString(), r.toString());
                }
            }
        }
        assertThat(refused).as("manifests the server refused").isEmpty();
        assertThat(sent).isGreaterThan(70);
        // a dry run stores nothing
        assertThat(KubeHttp.get("/apis/apps/v1/namespaces/" + DRY_RUN_NS + "/deployments").json().path("items").isEmpty())
                .isTrue();
    }

    @Test
    @Timeout(600)
    void helmInstallsListsUpgradesAndUninstallsTheChartInKapi() throws Exception {
        Path kubeconfig = KapiServerExtension.server().kubeconfig();
        Path values = HelmChart.writeValues(INSTALL_VALUES);
        try {
            Release installed = HelmChart.helm().install().withName(RELEASE).withNamespace(INSTALL_NS).createNamespace()
                    .withValuesFile(values).withKubeConfig(kubeconfig).call();
            assertThat(installed.getStatus()).isEqualTo("deployed");
            assertThat(installed.getOutput()).contains("Kapi 0.1.0-SNAPSHOT is installed as release " + RELEASE);

            String prefix = RELEASE + "-kapi";
            for (String path : List.of(
                    "/apis/apps/v1/namespaces/" + INSTALL_NS + "/deployments/" + prefix + "-apiserver",
                    "/api/v1/namespaces/" + INSTALL_NS + "/services/" + prefix + "-apiserver",
                    "/apis/policy/v1/namespaces/" + INSTALL_NS + "/poddisruptionbudgets/" + prefix + "-apiserver",
                    "/apis/apps/v1/namespaces/" + INSTALL_NS + "/statefulsets/" + prefix + "-etcd",
                    "/api/v1/namespaces/" + INSTALL_NS + "/services/" + prefix + "-etcd-peers",
                    "/apis/apps/v1/namespaces/" + INSTALL_NS + "/deployments/" + prefix + "-admission-webhooks",
                    "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/" + prefix + "-admission-webhooks",
                    "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/" + prefix + "-admission-webhooks",
                    "/api/v1/namespaces/" + INSTALL_NS + "/secrets/" + prefix + "-apiserver-service-account",
                    // Helm's own record of the release
                    "/api/v1/namespaces/" + INSTALL_NS + "/secrets/sh.helm.release.v1." + RELEASE + ".v1")) {
                assertThat(KubeHttp.get(path).code()).as(path).isEqualTo(200);
            }
            KubeHttp.Reply deployment = KubeHttp.get("/apis/apps/v1/namespaces/" + INSTALL_NS + "/deployments/"
                    + prefix + "-apiserver");
            assertThat(deployment.json().path("metadata").path("labels").path("app.kubernetes.io/managed-by").asString())
                    .isEqualTo("Helm");
            assertThat(deployment.json().path("metadata").path("annotations").path("meta.helm.sh/release-name").asString())
                    .isEqualTo(RELEASE);

            List<Release> listed = Helm.list().withKubeConfig(kubeconfig).withNamespace(INSTALL_NS).call();
            assertThat(listed).singleElement().satisfies(r -> {
                assertThat(r.getName()).isEqualTo(RELEASE);
                assertThat(r.getStatus()).isEqualTo("deployed");
                assertThat(r.getRevision()).isEqualTo("1");
                assertThat(r.getAppVersion()).isEqualTo("0.1.0-SNAPSHOT");
            });

            // an upgrade keeps what the chart generated: the CA, the certificates, the ServiceAccount key, the token
            Map<String, String> before = generatedSecrets(prefix);
            Release upgraded = HelmChart.helm().upgrade().withName(RELEASE).withNamespace(INSTALL_NS)
                    .withValuesFile(values).withKubeConfig(kubeconfig).call();
            assertThat(upgraded.getRevision()).isEqualTo("2");
            assertThat(upgraded.getStatus()).isEqualTo("deployed");
            assertThat(generatedSecrets(prefix)).isEqualTo(before);

            // a new name for the serving certificate: that certificate is made again, by the same CA; the rest stays
            Path moreNames = HelmChart.writeValues(INSTALL_VALUES + "apiserver:\n  tls:\n    extraSANs: [kapi.example.com]\n");
            try {
                Release renamed = HelmChart.helm().upgrade().withName(RELEASE).withNamespace(INSTALL_NS)
                        .withValuesFile(moreNames).withKubeConfig(kubeconfig).call();
                assertThat(renamed.getRevision()).isEqualTo("3");
            } finally {
                HelmChart.delete(moreNames);
            }
            Map<String, String> after = generatedSecrets(prefix);
            assertThat(after.get("apiserver-tls")).isNotEqualTo(before.get("apiserver-tls"));
            after.remove("apiserver-tls");
            before.remove("apiserver-tls");
            assertThat(after).isEqualTo(before);
            String serving = new String(java.util.Base64.getDecoder().decode(KubeHttp.get("/api/v1/namespaces/"
                    + INSTALL_NS + "/secrets/" + prefix + "-apiserver-tls").json().path("data").path("tls.crt").asString()),
                    java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(dev.kapi.apiserver.server.tls.Pem.readCertificates(serving).getFirst().getSubjectAlternativeNames())
                    .anyMatch(n -> n.get(1).equals("kapi.example.com"));

            String uninstalled = Helm.uninstall(RELEASE).withNamespace(INSTALL_NS).withKubeConfig(kubeconfig).call();
            assertThat(uninstalled).contains("release \"" + RELEASE + "\" uninstalled");
            assertThat(KubeHttp.get("/apis/apps/v1/namespaces/" + INSTALL_NS + "/deployments").json().path("items").isEmpty())
                    .isTrue();
            assertThat(KubeHttp.get("/api/v1/namespaces/" + INSTALL_NS + "/secrets").json().path("items").toString())
                    .doesNotContain(prefix).doesNotContain("sh.helm.release");
            assertThat(KubeHttp.get("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/" + prefix
                    + "-admission-webhooks").code()).isEqualTo(404);
            assertThat(Helm.list().withKubeConfig(kubeconfig).withNamespace(INSTALL_NS).call()).isEmpty();
        } finally {
            HelmChart.delete(values);
            Helm.uninstall(RELEASE).withNamespace(INSTALL_NS).withKubeConfig(kubeconfig).ignoreNotFound().call();
            KubeHttp.delete("/api/v1/namespaces/" + INSTALL_NS);
        }
    }

    /** The data of the Secrets the chart generated, by name. */
    private static Map<String, String> generatedSecrets(String prefix) {
        Map<String, String> out = new TreeMap<>();
        for (String name : List.of("ca", "apiserver-tls", "admission-webhooks-tls", "etcd-ca", "etcd-server-tls",
                "etcd-client-tls", "apiserver-service-account", "apiserver-tokens")) {
            KubeHttp.Reply r = KubeHttp.get("/api/v1/namespaces/" + INSTALL_NS + "/secrets/" + prefix + "-" + name);
            assertThat(r.code()).as(name).isEqualTo(200);
            out.put(name, r.json().path("data").toString());
        }
        return out;
    }

    private static String collection(ObjectNode manifest) {
        String kind = manifest.path("kind").asString();
        String pattern = COLLECTIONS.get(kind);
        assertThat(pattern).as("where to send a " + kind).isNotNull();
        return pattern.formatted(manifest.path("metadata").path("namespace").asString());
    }
}
