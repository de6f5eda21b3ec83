package dev.kapi.apiserver.deploy;

import static dev.kapi.apiserver.deploy.HelmChart.args;
import static dev.kapi.apiserver.deploy.HelmChart.find;
import static dev.kapi.apiserver.deploy.HelmChart.names;
import static dev.kapi.apiserver.deploy.HelmChart.secretData;
import static dev.kapi.apiserver.deploy.HelmChart.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import dev.kapi.apiserver.server.tls.Pem;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code helm/kapi} chart, linted and rendered ({@code helm template}) with the value sets of
 * {@link ChartValueSets}: what each renders. {@code HelmChartIT} sends the same manifests to a running server.
 */
class HelmChartRenderTest {

    private static final String NS = "kapi-system";
    /** Renders by values (a render takes seconds: Helm generates RSA keys). */
    private static final Map<String, List<ObjectNode>> RENDERED = new ConcurrentHashMap<>();

    private static List<ObjectNode> render(String release, String namespace, String values) {
        return RENDERED.computeIfAbsent(release + "/" + namespace + "/" + values,
                k -> HelmChart.render(release, namespace, values));
    }

    @Test
    void lintIsCleanInStrictMode() {
        LintResult result = HelmChart.helm().lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
        assertThat(result.getMessages()).allMatch(m -> m.startsWith("[INFO]"), "only INFO messages");
    }

    @Test
    void defaultsRenderTwoApiserversThreeEtcdMembersAndTheWebhooks() {
        List<ObjectNode> m = render("kapi", NS, ChartValueSets.DEFAULTS);
        assertThat(names(m)).containsExactlyInAnyOrder(
                "Deployment/kapi-apiserver", "Service/kapi-apiserver", "PodDisruptionBudget/kapi-apiserver",
                "StatefulSet/kapi-etcd", "Service/kapi-etcd", "Service/kapi-etcd-peers", "PodDisruptionBudget/kapi-etcd",
                "Deployment/kapi-admission-webhooks", "Service/kapi-admission-webhooks", "ConfigMap/kapi-admission-webhooks",
                "PodDisruptionBudget/kapi-admission-webhooks", "Secret/kapi-admission-webhooks-kubeconfig",
                "Secret/kapi-ca", "Secret/kapi-apiserver-tls", "Secret/kapi-admission-webhooks-tls", "Secret/kapi-etcd-ca",
                "Secret/kapi-etcd-server-tls", "Secret/kapi-etcd-client-tls", "Secret/kapi-apiserver-service-account",
                "Secret/kapi-apiserver-tokens");
        assertThat(m).allMatch(o -> o.path("metadata").path("labels").path("app.kubernetes.io/instance").asString()
                .equals("kapi"), "every object carries the release's labels");
    }

    @Test
    void theApiserverPodIsHardenedProbedAndSpreadAcrossNodes() {
        ObjectNode d = find(render("kapi", NS, ChartValueSets.DEFAULTS), "Deployment", "kapi-apiserver");
        assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(2);
        JsonNode pod = d.path("spec").path("template").path("spec");
        JsonNode c = pod.path("containers").path(0);
        assertThat(c.path("image").asString()).isEqualTo("kapi/apiserver:0.1.0-SNAPSHOT");
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertThat(c.path(probe).path("httpGet").path("scheme").asString()).as(probe).isEqualTo("HTTPS");
            assertThat(c.path(probe).path("httpGet").path("port").asString()).as(probe).isEqualTo("https");
        }
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asString()).isEqualTo("/readyz");
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asString()).isEqualTo("/livez");
        assertThat(c.path("ports").path(0).path("containerPort").asInt()).isEqualTo(6443);
        JsonNode sc = c.path("securityContext");
        assertThat(sc.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(sc.path("runAsUser").asInt()).isEqualTo(65532);
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(sc.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(strings(sc.path("capabilities").path("drop"))).containsExactly("ALL");
        assertThat(c.path("resources").path("requests").path("cpu").asString()).isEqualTo("250m");
        assertThat(c.path("resources").path("requests").path("memory").asString()).isEqualTo("512Mi");
        assertThat(mounts(c)).contains("tmp=/tmp", "data=/var/lib/kapi");
        assertThat(pod.path("volumes").toString()).contains("{\"name\":\"tmp\",\"emptyDir\":{}}",
                "{\"name\":\"data\",\"emptyDir\":{}}");
        JsonNode antiAffinity = pod.path("affinity").path("podAntiAffinity")
                .path("preferredDuringSchedulingIgnoredDuringExecution").path(0).path("podAffinityTerm");
        assertThat(antiAffinity.path("topologyKey").asString()).isEqualTo("kubernetes.io/hostname");
        assertThat(antiAffinity.path("labelSelector").path("matchLabels").path("app.kubernetes.io/component").asString())
                .isEqualTo("apiserver");
        assertThat(args(d)).contains("--secure-port=6443", "--data-dir=/var/lib/kapi",
                "--etcd-servers=https://kapi-etcd.kapi-system.svc:2379", "--etcd-cafile=/etc/kapi/etcd/ca.crt",
                "--etcd-certfile=/etc/kapi/etcd/tls.crt", "--etcd-keyfile=/etc/kapi/etcd/tls.key",
                "--tls-cert-file=/etc/kapi/tls/tls.crt", "--tls-private-key-file=/etc/kapi/tls/tls.key",
                "--service-account-signing-key-file=/etc/kapi/service-account/sa.key",
                "--service-account-key-file=/etc/kapi/service-account/sa.key",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--token-auth-file=/etc/kapi/tokens/tokens.csv", "--authorization-mode=RBAC", "--anonymous-auth=true");
        assertThat(args(d)).noneMatch(a -> a.startsWith("--audit-") || a.startsWith("--oidc-")
                || a.startsWith("--client-ca-file") || a.contains("admission-plugins"));
        ObjectNode pdb = find(render("kapi", NS, ChartValueSets.DEFAULTS), "PodDisruptionBudget", "kapi-apiserver");
        assertThat(pdb.path("spec").path("minAvailable").asInt()).isEqualTo(1);
    }

    @Test
    void etcdIsAStatefulSetOfThreeTlsMembersWithVolumesAndAHeadlessService() {
        List<ObjectNode> m = render("kapi", NS, ChartValueSets.DEFAULTS);
        ObjectNode sts = find(m, "StatefulSet", "kapi-etcd");
        assertThat(sts.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(sts.path("spec").path("serviceName").asString()).isEqualTo("kapi-etcd-peers");
        assertThat(sts.path("spec").path("podManagementPolicy").asString()).isEqualTo("Parallel");
        assertThat(sts.path("spec").path("template").path("spec").path("containers").path(0).path("image").asString())
                .startsWith("registry.k8s.io/etcd:3.5.");
        assertThat(sts.path("spec").path("volumeClaimTemplates").path(0).path("spec").path("resources")
                .path("requests").path("storage").asString()).isEqualTo("8Gi");
        assertThat(args(sts)).contains("--initial-cluster=kapi-etcd-0=https://kapi-etcd-0.kapi-etcd-peers.kapi-system.svc:2380,"
                        + "kapi-etcd-1=https://kapi-etcd-1.kapi-etcd-peers.kapi-system.svc:2380,"
                        + "kapi-etcd-2=https://kapi-etcd-2.kapi-etcd-peers.kapi-system.svc:2380",
                "--client-cert-auth=true", "--peer-client-cert-auth=true");
        ObjectNode peers = find(m, "Service", "kapi-etcd-peers");
        assertThat(peers.path("spec").path("clusterIP").asString()).isEqualTo("None");
        assertThat(peers.path("spec").path("publishNotReadyAddresses").asBoolean()).isTrue();

        X509Certificate etcdCa = certificate(secretData(find(m, "Secret", "kapi-etcd-ca"), "tls.crt"));
        X509Certificate server = certificate(secretData(find(m, "Secret", "kapi-etcd-server-tls"), "tls.crt"));
        X509Certificate client = certificate(secretData(find(m, "Secret", "kapi-etcd-client-tls"), "tls.crt"));
        assertSignedBy(server, etcdCa);
        assertSignedBy(client, etcdCa);
        assertThat(dnsNames(server)).contains("kapi-etcd.kapi-system.svc", "*.kapi-etcd-peers.kapi-system.svc");
    }

    @Test
    void generatedCertificatesChainToTheChartsCaWhichTheWebhookRegistrationsTrust() throws Exception {
        List<ObjectNode> m = render("kapi", NS, ChartValueSets.REGISTERED_BY_HELM);
        String caPem = secretData(find(m, "Secret", "kapi-ca"), "tls.crt");
        X509Certificate ca = certificate(caPem);
        ObjectNode apiserverTls = find(m, "Secret", "kapi-apiserver-tls");
        assertThat(apiserverTls.path("type").asString()).isEqualTo("kubernetes.io/tls");
        X509Certificate serving = certificate(secretData(apiserverTls, "tls.crt"));
        assertSignedBy(serving, ca);
        assertThat(secretData(apiserverTls, "ca.crt")).isEqualTo(caPem);
        assertThat(dnsNames(serving)).contains("kapi-apiserver.kapi-system.svc", "kubernetes.default.svc", "localhost");
        // the server reads the generated key (PKCS#1) as its serving key
        assertThat(Pem.readPrivateKey(secretData(apiserverTls, "tls.key")).getAlgorithm()).isEqualTo("RSA");

        X509Certificate webhooks = certificate(secretData(find(m, "Secret", "kapi-admission-webhooks-tls"), "tls.crt"));
        assertSignedBy(webhooks, ca);
        assertThat(dnsNames(webhooks)).contains("kapi-admission-webhooks.kapi-system.svc");
        JsonNode hook = find(m, "ValidatingWebhookConfiguration", "kapi-admission-webhooks").path("webhooks").path(0);
        assertThat(hook.path("name").asString()).isEqualTo("no-latest.webhooks.kapi.dev");
        assertThat(new String(Base64.getDecoder().decode(hook.path("clientConfig").path("caBundle").asString()),
                StandardCharsets.US_ASCII)).isEqualTo(caPem);
        assertThat(hook.path("clientConfig").path("service").toString())
                .isEqualTo("{\"name\":\"kapi-admission-webhooks\",\"namespace\":\"kapi-system\",\"path\":\"/validate/no-latest\",\"port\":443}");
        // the webhooks never judge their own namespace (a Fail policy could keep them from starting)
        assertThat(strings(hook.path("namespaceSelector").path("matchExpressions").path(0).path("values")))
                .containsExactly("kube-system", NS);
        assertThat(find(m, "MutatingWebhookConfiguration", "kapi-admission-webhooks").path("webhooks").isEmpty()).isTrue();
    }

    @Test
    void oneServiceAccountKeyAndAnAdminTokenForEveryReplica() {
        List<ObjectNode> m = render("kapi", NS, ChartValueSets.DEFAULTS);
        String key = secretData(find(m, "Secret", "kapi-apiserver-service-account"), "sa.key");
        assertThat(key).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        ObjectNode tokens = find(m, "Secret", "kapi-apiserver-tokens");
        String admin = secretData(tokens, "admin-token");
        assertThat(admin).hasSize(48);
        assertThat(secretData(tokens, "tokens.csv")).startsWith(admin + ",kapi-admin,kapi-admin,\"system:masters\"\n");
        // both mounted from the one Secret into the pod template that every replica shares
        JsonNode volumes = find(m, "Deployment", "kapi-apiserver").path("spec").path("template").path("spec").path("volumes");
        assertThat(volumes.toString()).contains("\"secretName\":\"kapi-apiserver-service-account\"",
                "\"secretName\":\"kapi-apiserver-tokens\"");
    }

    @Test
    void theWebhooksRegisterThemselvesInKapiWithATokenOfTheChartsTokenFile() {
        List<ObjectNode> m = render("kapi", NS, ChartValueSets.DEFAULTS);
        assertThat(names(m)).noneMatch(n -> n.contains("WebhookConfiguration/"));
        ObjectNode w = find(m, "Deployment", "kapi-admission-webhooks");
        assertThat(args(w)).contains("--config=/etc/kapi-admission-webhooks/config.yaml",
                "--external-url=https://kapi-admission-webhooks.kapi-system.svc:443",
                "--kubeconfig=/etc/kapi-admission-webhooks/kubeconfig/kubeconfig",
                "--ca-bundle-file=/etc/kapi-admission-webhooks/tls/ca.crt");
        String token = secretData(find(m, "Secret", "kapi-apiserver-tokens"), "admission-webhooks-token");
        assertThat(secretData(find(m, "Secret", "kapi-apiserver-tokens"), "tokens.csv"))
                .contains("\n" + token + ",kapi-admission-webhooks,kapi-admission-webhooks,\"system:masters\"\n");
        String kubeconfig = find(m, "Secret", "kapi-admission-webhooks-kubeconfig").path("stringData").path("kubeconfig").asString();
        assertThat(kubeconfig).contains("server: https://kapi-apiserver.kapi-system.svc:443",
                "certificate-authority: /etc/kapi-admission-webhooks/kapi-ca/ca.crt", "token: " + token);
        assertThat(w.path("spec").path("template").path("spec").path("volumes").toString())
                .contains("{\"name\":\"kapi-ca\",\"secret\":{\"secretName\":\"kapi-apiserver-tls\",\"items\":[{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}]}}");
    }

    @Test
    void anExternalEtcdWithClientTlsReplacesTheStatefulSet() {
        List<ObjectNode> m = render("kapi", NS, ChartValueSets.EXTERNAL_ETCD_TLS);
        assertThat(names(m)).noneMatch(n -> n.contains("etcd"));
        ObjectNode d = find(m, "Deployment", "kapi-apiserver");
        assertThat(args(d)).contains("--etcd-servers=https://etcd-a.example.com:2379,https://etcd-b.example.com:2379,"
                + "https://etcd-c.example.com:2379", "--etcd-cafile=/etc/kapi/etcd/ca.crt",
                "--etcd-certfile=/etc/kapi/etcd/tls.crt", "--etcd-keyfile=/etc/kapi/etcd/tls.key");
        assertThat(d.path("spec").path("template").path("spec").path("volumes").toString())
                .contains("{\"name\":\"etcd-client\",\"secret\":{\"secretName\":\"my-etcd-client\",\"defaultMode\":256}}");
    }

    @Test
    void suppliedSecretsAreMountedAndNothingIsGenerated() {
        List<ObjectNode> m = render("kapi", NS, ChartValueSets.SUPPLIED_SECRETS);
        assertThat(names(m)).noneMatch(n -> n.startsWith("Secret/"));
        ObjectNode d = find(m, "Deployment", "kapi-apiserver");
        String volumes = d.path("spec").path("template").path("spec").path("volumes").toString();
        assertThat(volumes).contains("\"secretName\":\"my-serving-cert\"", "\"secretName\":\"my-client-ca\"",
                "\"secretName\":\"my-sa-key\"", "\"secretName\":\"my-tokens\"");
        assertThat(args(d)).contains("--client-ca-file=/etc/kapi/client-ca/ca.crt", "--etcd-servers=http://etcd.example.com:2379",
                "--service-account-issuer=https://kapi.example.com", "--api-audiences=https://kapi.example.com,vault");
        assertThat(args(d)).noneMatch(a -> a.startsWith("--etcd-cafile"));
        assertThat(find(m, "Deployment", "kapi-admission-webhooks").path("spec").path("template").path("spec")
                .path("volumes").toString()).contains("\"secretName\":\"my-webhooks-cert\"");
        assertThat(find(m, "ValidatingWebhookConfiguration", "kapi-admission-webhooks").path("webhooks").path(0)
                .path("clientConfig").path("caBundle").asString()).isEqualTo("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==");
    }

    @Test
    void theWebhooksSwitchedOffLeaveNoDeploymentNorRegistration() {
        List<ObjectNode> m = render("kapi", NS, ChartValueSets.WEBHOOKS_OFF);
        assertThat(names(m)).noneMatch(n -> n.contains("admission-webhooks"));
        assertThat(names(m)).contains("Deployment/kapi-apiserver", "Secret/kapi-ca");
    }

    @Test
    void auditOnRendersThePolicyConfigMapAndTheLogFlags() {
        List<ObjectNode> m = render("kapi", NS, ChartValueSets.AUDIT_ON);
        ObjectNode policy = find(m, "ConfigMap", "kapi-apiserver-audit-policy");
        assertThat(policy.path("data").path("policy.yaml").asString()).contains("apiVersion: audit.k8s.io/v1", "kind: Policy");
        ObjectNode d = find(m, "Deployment", "kapi-apiserver");
        assertThat(args(d)).contains("--audit-policy-file=/etc/kapi/audit/policy.yaml",
                "--audit-log-path=/var/log/kapi/audit.log", "--audit-log-maxsize=50", "--audit-log-maxbackup=3");
        assertThat(mounts(d.path("spec").path("template").path("spec").path("containers").path(0)))
                .contains("audit-policy=/etc/kapi/audit", "audit-log=/var/log/kapi");
        // to the container log: no rotation flags
        List<String> toStdout = args(find(render("kapi", NS, "apiserver: {audit: {enabled: true}}"), "Deployment", "kapi-apiserver"));
        assertThat(toStdout).contains("--audit-log-path=-").noneMatch(a -> a.startsWith("--audit-log-max"));
        // a webhook only: its kubeconfig from the user's Secret, read-only, and no log
        ObjectNode webhookOnly = find(render("kapi", NS, "apiserver: {audit: {enabled: true, logPath: \"\", "
                + "webhook: {kubeconfigSecret: audit-hook, mode: blocking-strict}}}"), "Deployment", "kapi-apiserver");
        assertThat(args(webhookOnly)).contains("--audit-webhook-config-file=/etc/kapi/audit-webhook/kubeconfig",
                "--audit-webhook-mode=blocking-strict").noneMatch(a -> a.startsWith("--audit-log-"));
        assertThat(mounts(webhookOnly.path("spec").path("template").path("spec").path("containers").path(0)))
                .contains("audit-webhook=/etc/kapi/audit-webhook").noneMatch(v -> v.startsWith("audit-log="));
        assertThat(webhookOnly.at("/spec/template/spec/volumes").valueStream()
                .filter(v -> v.path("name").asString().equals("audit-webhook")).findFirst().orElseThrow()
                .at("/secret/secretName").asString()).isEqualTo("audit-hook");
    }

    @Test
    void theAuthenticationAndAuthorizationWebhooksComeFromTheUsersSecrets() {
        ObjectNode d = find(render("kapi", NS, "apiserver: {authorizationMode: \"RBAC,Webhook\", "
                + "authenticationWebhook: {kubeconfigSecret: idp-hook, cacheTTL: 1m}, "
                + "authorizationWebhook: {kubeconfigSecret: policy-hook, version: v1}}"), "Deployment", "kapi-apiserver");
        assertThat(args(d)).contains("--authorization-mode=RBAC,Webhook",
                "--authentication-token-webhook-config-file=/etc/kapi/authn-webhook/kubeconfig",
                "--authentication-token-webhook-cache-ttl=1m",
                "--authorization-webhook-config-file=/etc/kapi/authz-webhook/kubeconfig",
                "--authorization-webhook-version=v1", "--authorization-webhook-cache-authorized-ttl=5m",
                "--authorization-webhook-cache-unauthorized-ttl=30s");
        assertThat(mounts(d.path("spec").path("template").path("spec").path("containers").path(0)))
                .contains("authn-webhook=/etc/kapi/authn-webhook", "authz-webhook=/etc/kapi/authz-webhook");
        assertThat(d.at("/spec/template/spec/volumes").valueStream()
                .filter(v -> v.path("name").asString().startsWith("auth")).map(v -> v.at("/secret/secretName").asString()
                        + "/" + v.at("/secret/defaultMode").asInt()))
                .containsExactly("idp-hook/256", "policy-hook/256");
        assertThat(args(find(render("kapi", NS, "apiserver: {authorizationWebhook: {kubeconfigSecret: policy-hook}}"),
                "Deployment", "kapi-apiserver"))).as("no Webhook mode: the secret is not used")
                .noneMatch(a -> a.startsWith("--authorization-webhook") || a.startsWith("--authentication-token-webhook"));
    }

    /** kube's structured authorization: the file from a ConfigMap, its webhooks' kubeconfigs from the user's Secrets. */
    @Test
    void theAuthorizationConfigComesFromAConfigMapAndItsWebhooksFromSecrets() {
        String values = "apiserver: {authorizationConfigSecrets: [policy-hook], authorizationConfig: {apiVersion: "
                + "apiserver.config.k8s.io/v1, kind: AuthorizationConfiguration, authorizers: [{type: Webhook, name: "
                + "policy, webhook: {timeout: 3s, subjectAccessReviewVersion: v1, failurePolicy: Deny, connectionInfo: "
                + "{type: KubeConfigFile, kubeConfigFile: /etc/kapi/authz-webhooks/policy-hook/kubeconfig}}}, "
                + "{type: RBAC, name: rbac}]}}";
        List<ObjectNode> objects = render("kapi", NS, values);
        ObjectNode d = find(objects, "Deployment", "kapi-apiserver");
        assertThat(args(d)).contains("--authorization-config=/etc/kapi/authorization/authorization-config.yaml")
                .noneMatch(a -> a.startsWith("--authorization-mode") || a.startsWith("--authorization-webhook"));
        assertThat(mounts(d.path("spec").path("template").path("spec").path("containers").path(0))).contains(
                "authorization=/etc/kapi/authorization", "authz-config-webhook-0=/etc/kapi/authz-webhooks/policy-hook");
        assertThat(d.at("/spec/template/spec/volumes").valueStream()
                .filter(v -> v.path("name").asString().equals("authz-config-webhook-0")).findFirst().orElseThrow()
                .at("/secret/secretName").asString()).isEqualTo("policy-hook");
        String file = find(objects, "ConfigMap", "kapi-apiserver-authorization").at("/data/authorization-config.yaml")
                .asString();
        assertThat(file).contains("kind: AuthorizationConfiguration", "failurePolicy: Deny", "name: rbac");
        assertThatThrownBy(() -> render("kapi", NS, values.replace("apiserver: {", "apiserver: {authorizationMode: "
                + "AlwaysAllow, "))).hasMessageContaining("apiserver.authorizationConfig replaces");
    }

    /** kube's structured authentication: the file from a ConfigMap; its anonymous section replaces --anonymous-auth. */
    @Test
    void theAuthenticationConfigComesFromAConfigMap() {
        String values = "apiserver: {authenticationConfig: {apiVersion: apiserver.config.k8s.io/v1beta1, kind: "
                + "AuthenticationConfiguration, jwt: [{issuer: {url: 'https://sso.example.com', audiences: [kapi]}, "
                + "claimMappings: {username: {claim: sub, prefix: 'sso:'}}}]}}";
        List<ObjectNode> objects = render("kapi", NS, values);
        ObjectNode d = find(objects, "Deployment", "kapi-apiserver");
        assertThat(args(d)).contains("--authentication-config=/etc/kapi/authentication/authentication-config.yaml",
                "--anonymous-auth=true").noneMatch(a -> a.startsWith("--oidc"));
        assertThat(mounts(d.path("spec").path("template").path("spec").path("containers").path(0)))
                .contains("authentication=/etc/kapi/authentication");
        assertThat(find(objects, "ConfigMap", "kapi-apiserver-authentication").at("/data/authentication-config.yaml")
                .asString()).contains("kind: AuthenticationConfiguration", "url: https://sso.example.com");
        String anonymous = values.replace("}]}}", "}], anonymous: {enabled: true, conditions: [{path: /livez}, "
                + "{path: /readyz}]}}}");
        assertThat(args(find(render("kapi", NS, anonymous), "Deployment", "kapi-apiserver")))
                .noneMatch(a -> a.startsWith("--anonymous-auth"));
        assertThatThrownBy(() -> render("kapi", NS, "apiserver: {authorizationMode: 'RBAC,AlwaysAllow'}"))
                .hasMessageContaining("apiserver.authorizationMode AlwaysAllow turns anonymous requests off");
        assertThatThrownBy(() -> render("kapi", NS, values.replace("apiserver: {", "apiserver: {oidc: {issuerUrl: "
                + "'https://login.example.com', clientId: kapi}, "))).hasMessageContaining(
                "apiserver.authenticationConfig replaces apiserver.oidc");
    }

    /** The server refuses a flag it does not know: every flag the chart can pass must be one it reads. */
    @Test
    void everyApiserverFlagTheChartPassesIsOneTheServerKnows() {
        for (String values : List.of(ChartValueSets.DEFAULTS, ChartValueSets.EVERYTHING_ON)) {
            ObjectNode d = find(render("kapi", NS, values), "Deployment", "kapi-apiserver");
            assertThat(args(d)).allSatisfy(a -> assertThat(a).startsWith("--")
                    .satisfies(flag -> assertThat(dev.kapi.apiserver.KnownFlags.NAMES)
                            .contains(flag.substring(2, flag.indexOf('=')))));
            // each replica advertises its pod IP in default/endpoints/kubernetes
            assertThat(args(d)).contains("--advertise-address=$(POD_IP)");
            assertThat(d.at("/spec/template/spec/containers/0/env/0/valueFrom/fieldRef/fieldPath").asString())
                    .isEqualTo("status.podIP");
        }
    }

    @Test
    void authenticationAuthorizationAndAdmissionValuesBecomeFlags() {
        List<ObjectNode> m = render("kapi", NS, ChartValueSets.EVERYTHING_ON);
        ObjectNode d = find(m, "Deployment", "kapi-apiserver");
        assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(args(d)).contains("--authorization-mode=RBAC,Webhook,AlwaysDeny",
                "--authorization-webhook-config-file=/etc/kapi/authz-webhook/kubeconfig",
                "--authentication-token-webhook-config-file=/etc/kapi/authn-webhook/kubeconfig",
                "--enable-admission-plugins=LimitRanger",
                "--disable-admission-plugins=DefaultStorageClass,DefaultTolerationSeconds",
                "--admission-control-config-file=/etc/kapi/admission/admission-config.yaml",
                "--oidc-issuer-url=https://login.example.com", "--oidc-client-id=kapi", "--oidc-username-claim=email",
                "--oidc-groups-claim=groups", "--oidc-groups-prefix=oidc:", "--oidc-ca-file=/etc/kapi/oidc/ca.crt",
                "--default-not-ready-toleration-seconds=60", "--etcd-servers=http://kapi-etcd.kapi-system.svc:2379");
        assertThat(find(m, "ConfigMap", "kapi-apiserver-admission").path("data").path("admission-config.yaml").asString())
                .contains("kind: AdmissionConfiguration", "enforce: baseline");
        assertThat(secretData(find(m, "Secret", "kapi-apiserver-tokens"), "tokens.csv"))
                .endsWith("\ns3cret-ops-token,ops,2001,\"ops,dev\"\n");
        assertThat(find(m, "Service", "kapi-apiserver").path("spec").path("ports").path(0).path("nodePort").asInt())
                .isEqualTo(31443);
        assertThat(find(m, "StatefulSet", "kapi-etcd").path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(names(m)).doesNotContain("Secret/kapi-etcd-ca");
        JsonNode mutating = find(m, "MutatingWebhookConfiguration", "kapi-admission-webhooks").path("webhooks");
        assertThat(mutating.path(0).path("name").asString()).isEqualTo("pod-defaults.webhooks.kapi.dev");
        assertThat(mutating.path(0).path("reinvocationPolicy").asString()).isEqualTo("IfNeeded");
        JsonNode validating = find(m, "ValidatingWebhookConfiguration", "kapi-admission-webhooks").path("webhooks");
        assertThat(java.util.stream.StreamSupport.stream(validating.spliterator(), false)
                .map(w -> w.path("name").asString()).toList())
                .containsExactly("image-registries.webhooks.kapi.dev", "required-labels.webhooks.kapi.dev",
                        "no-latest.webhooks.kapi.dev");
        // required-labels is registered for its own namespaces only
        assertThat(strings(validating.path(1).path("namespaceSelector").path("matchExpressions").path(0).path("values")))
                .containsExactly("team-a", "team-b");
        String config = find(m, "ConfigMap", "kapi-admission-webhooks").path("data").path("config.yaml").asString();
        assertThat(config).contains("exclude-namespaces: [\"kube-system\",\"platform\",\"kapi-system\"]",
                "allowed: [\"docker.io/library\",\"ghcr.io/example\"]", "requests: [\"cpu=100m\",\"memory=128Mi\"]");
    }

    @Test
    void theExampleValuesFileRendersAnApiserverOnAnExternalEtcdWithOidcAndAudit() {
        List<ObjectNode> m = render("kapi", NS, ChartValueSets.configExample());
        assertThat(names(m)).noneMatch(n -> n.contains("etcd") || n.equals("Secret/kapi-apiserver-tls")
                || n.equals("Secret/kapi-apiserver-service-account"));
        ObjectNode d = find(m, "Deployment", "kapi-apiserver");
        assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(args(d)).contains("--etcd-servers=https://etcd-0.example.com:2379,https://etcd-1.example.com:2379,"
                        + "https://etcd-2.example.com:2379", "--etcd-keyfile=/etc/kapi/etcd/tls.key",
                "--oidc-issuer-url=https://login.example.com", "--oidc-username-prefix=oidc:",
                "--audit-log-path=/var/log/kapi/audit.log", "--service-account-issuer=https://kapi.example.com");
        // no admin token: the token file holds only the webhooks' own token, with which they register in Kapi
        assertThat(secretData(find(m, "Secret", "kapi-apiserver-tokens"), "tokens.csv").lines())
                .singleElement().asString().contains(",kapi-admission-webhooks,");
        assertThat(find(m, "ConfigMap", "kapi-admission-webhooks").path("data").path("config.yaml").asString())
                .contains("allowed: [\"registry.example.com\",\"ghcr.io/example\"]");
    }

    @Test
    void badValuesFailWithTheSchemasMessage() {
        assertThatThrownBy(() -> render("kapi", NS, "apiserver: {replicas: 0}"))
                .hasMessageContaining("apiserver.replicas: Must be greater than or equal to 1");
        assertThatThrownBy(() -> render("kapi", NS, "apiserver: {replica: 2}"))
                .hasMessageContaining("Additional property replica is not allowed");
        assertThatThrownBy(() -> render("kapi", NS, "etcd: {enabled: false}"))
                .hasMessageContaining("etcd.external.endpoints: Array must have at least 1 items");
        assertThatThrownBy(() -> render("kapi", NS, "etcd: {replicas: 2}"))
                .hasMessageContaining("etcd.replicas must be one of the following: 1, 3, 5, 7");
        assertThatThrownBy(() -> render("kapi", NS, "apiserver: {authorizationMode: Node}"))
                .hasMessageContaining("apiserver.authorizationMode: Does not match pattern");
        assertThatThrownBy(() -> render("kapi", NS, "apiserver: {authorizationMode: \"RBAC,Webhook\"}"))
                .hasMessageContaining("apiserver.authorizationMode names Webhook: set "
                        + "apiserver.authorizationWebhook.kubeconfigSecret");
        assertThatThrownBy(() -> render("kapi", NS, "admissionWebhooks: {tls: {existingSecret: mine}, registration: {into: cluster}}"))
                .hasMessageContaining("admissionWebhooks.tls.caBundle is required with admissionWebhooks.tls.existingSecret");
        assertThatThrownBy(() -> render("kapi", NS, "apiserver: {tokenAuth: {existingSecret: mine}}"))
                .hasMessageContaining("admissionWebhooks.registration.into=kapi needs the chart's token file");
        assertThatThrownBy(() -> render("kapi", NS, "admissionWebhooks: {registration: {into: host}}"))
                .hasMessageContaining("admissionWebhooks.registration.into must be one of the following");
    }

    private static List<String> mounts(JsonNode container) {
        return java.util.stream.StreamSupport.stream(container.path("volumeMounts").spliterator(), false)
                .map(v -> v.path("name").asString() + "=" + v.path("mountPath").asString()).toList();
    }

    static X509Certificate certificate(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.cert.CertificateException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertSignedBy(X509Certificate cert, X509Certificate ca) {
        try {
            cert.verify(ca.getPublicKey());
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(cert.getSubjectX500Principal() + " is not signed by " + ca.getSubjectX500Principal(), e);
        }
    }

    private static List<String> dnsNames(X509Certificate cert) {
        try {
            return cert.getSubjectAlternativeNames().stream().filter(n -> (Integer) n.get(0) == 2)
                    .map(n -> (String) n.get(1)).toList();
        } catch (java.security.cert.CertificateParsingException e) {
            throw new AssertionError(e);
        }
    }
}
