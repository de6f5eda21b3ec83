package dev.kapi.apiserver.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The value sets the chart is rendered with in the tests (render assertions, server dry-runs): each a values
 * file a user could write.
 */
public final class ChartValueSets {

    private ChartValueSets() {
    }

    public static final String DEFAULTS = "";

    /** No etcd in the release: three external endpoints with client TLS from a Secret. */
    public static final String EXTERNAL_ETCD_TLS = """
            etcd:
              enabled: false
              external:
                endpoints: [https://etcd-a.example.com:2379, https://etcd-b.example.com:2379, https://etcd-c.example.com:2379]
                tlsSecret: my-etcd-client
            """;

    /** Every certificate and key from the user's Secrets (an external etcd without TLS): the chart makes none. */
    public static final String SUPPLIED_SECRETS = """
            apiserver:
              tls:
                existingSecret: my-serving-cert
              clientCA:
                existingSecret: my-client-ca
              serviceAccount:
                existingSecret: my-sa-key
                issuer: https://kapi.example.com
                apiAudiences: [https://kapi.example.com, vault]
              tokenAuth:
                existingSecret: my-tokens
            etcd:
              enabled: false
              external:
                endpoints: [http://etcd.example.com:2379]
            admissionWebhooks:
              registration:
                into: cluster
              tls:
                existingSecret: my-webhooks-cert
                caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
            """;

    /** The webhook configurations created by Helm in the cluster the chart goes to (not by the webhooks in Kapi). */
    public static final String REGISTERED_BY_HELM = """
            admissionWebhooks:
              registration:
                into: cluster
            """;

    public static final String WEBHOOKS_OFF = """
            admissionWebhooks:
              enabled: false
            """;

    /** The audit log to a file with rotation. */
    public static final String AUDIT_ON = """
            apiserver:
              audit:
                enabled: true
                logPath: audit.log
                maxSize: 50
                maxBackup: 3
            """;

    /** Every webhook on, OIDC, admission plugins, authorization mode, NodePort, a single etcd without TLS. */
    public static final String EVERYTHING_ON = """
            apiserver:
              replicas: 3
              authorizationMode: RBAC,Webhook,AlwaysDeny
              authenticationWebhook:
                kubeconfigSecret: idp-webhook
              authorizationWebhook:
                kubeconfigSecret: policy-webhook
                version: v1
              admissionPlugins:
                enable: [LimitRanger]
                disable: [DefaultStorageClass, DefaultTolerationSeconds]
              oidc:
                issuerUrl: https://login.example.com
                clientId: kapi
                usernameClaim: email
                groupsClaim: groups
                groupsPrefix: "oidc:"
                caSecret: my-oidc-ca
              admissionControlConfig:
                apiVersion: apiserver.config.k8s.io/v1
                kind: AdmissionConfiguration
                plugins:
                  - name: PodSecurity
                    configuration:
                      apiVersion: pod-security.admission.config.k8s.io/v1
                      kind: PodSecurityConfiguration
                      defaults: {enforce: baseline, enforce-version: latest}
                      exemptions: {namespaces: [kube-system]}
              audit:
                enabled: true
                webhook:
                  kubeconfigSecret: audit-webhook
                  mode: blocking
              tokenAuth:
                extraTokens: ['s3cret-ops-token,ops,2001,"ops,dev"']
              service:
                type: NodePort
                nodePort: 31443
              extraArgs:
                default-not-ready-toleration-seconds: "60"
              podAntiAffinity: required
            etcd:
              replicas: 1
              tls: false
            admissionWebhooks:
              registration:
                into: cluster
                excludeNamespaces: [kube-system, platform]
              webhooks:
                podDefaults:
                  enabled: true
                  labels: [platform.example.com/managed=true]
                  requests: [cpu=100m, memory=128Mi]
                imageRegistries:
                  enabled: true
                  allowed: [docker.io/library, ghcr.io/example]
                requiredLabels:
                  enabled: true
                  namespaces:
                    team-a: [team]
                    team-b: [team, example.com/cost-center]
                noLatest:
                  enabled: true
                  failurePolicy: Fail
            """;

    /** {@code config/helm-values.yaml}, the example values a user copies. */
    public static String configExample() {
        Path file = HelmChart.DIR.resolve("../../config/helm-values.yaml").normalize();
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every set by name (the example file's included), for the tests that run them all. */
    public static final Map<String, String> ALL = Map.of(
            "config-example", configExample(),
            "defaults", DEFAULTS,
            "external-etcd-tls", EXTERNAL_ETCD_TLS,
            "supplied-secrets", SUPPLIED_SECRETS,
            "webhooks-off", WEBHOOKS_OFF,
            "registered-by-helm", REGISTERED_BY_HELM,
            "audit-on", AUDIT_ON,
            "everything-on", EVERYTHING_ON);
}
