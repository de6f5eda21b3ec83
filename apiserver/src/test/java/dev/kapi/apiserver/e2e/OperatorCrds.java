package dev.kapi.apiserver.e2e;

import static dev.kapi.apiserver.e2e.SchemaDsl.array;
import static dev.kapi.apiserver.e2e.SchemaDsl.bool;
import static dev.kapi.apiserver.e2e.SchemaDsl.int64;
import static dev.kapi.apiserver.e2e.SchemaDsl.intOrString;
import static dev.kapi.apiserver.e2e.SchemaDsl.integer;
import static dev.kapi.apiserver.e2e.SchemaDsl.mapList;
import static dev.kapi.apiserver.e2e.SchemaDsl.node;
import static dev.kapi.apiserver.e2e.SchemaDsl.object;
import static dev.kapi.apiserver.e2e.SchemaDsl.preserveUnknown;
import static dev.kapi.apiserver.e2e.SchemaDsl.quantity;
import static dev.kapi.apiserver.e2e.SchemaDsl.str;
import static dev.kapi.apiserver.e2e.SchemaDsl.strEnum;
import static dev.kapi.apiserver.e2e.SchemaDsl.stringMap;
import static dev.kapi.apiserver.e2e.SchemaDsl.strings;

import dev.kapi.apiserver.e2e.SchemaDsl.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Four CRDs shaped like real operators' (prometheus-operator's Prometheus and ServiceMonitor, cert-manager's
 * Certificate and ClusterIssuer): versions v1alpha1 (served, deprecated), v1beta1 (served) and v1 (storage),
 * conversion None, the same deep schema at each (pod-like containers as list-maps, affinity nine levels
 * deep, quantities as int-or-string, preserved subtrees, an embedded pod template, enums, patterns, formats,
 * defaults, CEL rules with a transition rule), status and scale subresources and printer columns.
 */
final class OperatorCrds {

    static final String MONITORING = "monitoring.scale.e2e.kapi.dev";
    static final String CERTS = "certs.scale.e2e.kapi.dev";
    static final List<String> VERSIONS = List.of("v1alpha1", "v1beta1", "v1");

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private OperatorCrds() {
    }

    /** The CRD as YAML. */
    static String yaml(Map<String, Object> crd) {
        return YAML.writeValueAsString(crd);
    }

    static Map<String, Object> prometheus() {
        return crd(MONITORING, "Namespaced", "prometheuses", "prometheus", "Prometheus", List.of("prom"),
                OperatorCrds::prometheusSchema, true, List.of(
                        column("Version", "string", ".spec.version", 0),
                        column("Desired", "integer", ".spec.replicas", 0),
                        column("Ready", "integer", ".status.availableReplicas", 0),
                        column("Reconciled", "string", ".status.conditions[?(@.type == 'Reconciled')].status", 0),
                        column("Age", "date", ".metadata.creationTimestamp", 0)));
    }

    static Map<String, Object> serviceMonitor() {
        return crd(MONITORING, "Namespaced", "servicemonitors", "servicemonitor", "ServiceMonitor", List.of("smon"),
                OperatorCrds::serviceMonitorSchema, false, List.of());
    }

    static Map<String, Object> certificate() {
        return crd(CERTS, "Namespaced", "certificates", "certificate", "Certificate", List.of("cert", "certs"),
                OperatorCrds::certificateSchema, true, List.of(
                        column("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", 0),
                        column("Secret", "string", ".spec.secretName", 0),
                        column("Issuer", "string", ".spec.issuerRef.name", 1),
                        column("Status", "string", ".status.conditions[?(@.type==\"Ready\")].message", 1),
                        column("Age", "date", ".metadata.creationTimestamp", 0)));
    }

    static Map<String, Object> clusterIssuer() {
        return crd(CERTS, "Cluster", "clusterissuers", "clusterissuer", "ClusterIssuer", List.of(),
                OperatorCrds::clusterIssuerSchema, true, List.of(
                        column("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", 0),
                        column("Age", "date", ".metadata.creationTimestamp", 0)));
    }

    private static Map<String, Object> column(String name, String type, String path, int priority) {
        return priority == 0 ? Map.of("name", name, "type", type, "jsonPath", path)
                : Map.of("name", name, "type", type, "jsonPath", path, "priority", priority);
    }

    private static Map<String, Object> crd(String group, String scope, String plural, String singular, String kind,
                                           List<String> shortNames, Supplier<Node> schema, boolean scale,
                                           List<Map<String, Object>> columns) {
        List<Object> versions = new ArrayList<>();
        for (String v : VERSIONS) {
            Node version = new Node().with("name", v).with("served", true).with("storage", v.equals("v1"));
            if (v.equals("v1alpha1")) {
                version.with("deprecated", true).with("deprecationWarning",
                        group + "/v1alpha1 " + kind + " is deprecated; use " + group + "/v1 " + kind);
            }
            Node subresources = new Node().with("status", Map.of());
            if (scale) {
                subresources.with("scale", Map.of("specReplicasPath", ".spec.replicas",
                        "statusReplicasPath", ".status.replicas", "labelSelectorPath", ".status.selector"));
            }
            version.with("subresources", subresources);
            if (!columns.isEmpty()) {
                version.with("additionalPrinterColumns", columns);
            }
            version.with("schema", Map.of("openAPIV3Schema", schema.get()));
            versions.add(version);
        }
        Node names = new Node().with("plural", plural).with("singular", singular).with("kind", kind)
                .with("listKind", kind + "List").with("categories", List.of("scale-e2e"));
        if (!shortNames.isEmpty()) {
            names.with("shortNames", shortNames);
        }
        return new Node().with("apiVersion", "apiextensions.k8s.io/v1").with("kind", "CustomResourceDefinition")
                .with("metadata", Map.of("name", plural + "." + group,
                        "annotations", Map.of("controller-gen.kubebuilder.io/version", "v0.16.1")))
                .with("spec", new Node().with("group", group).with("scope", scope).with("names", names)
                        .with("conversion", Map.of("strategy", "None")).with("versions", versions));
    }

    private static Node root(Node spec, Node status) {
        Node root = object("apiVersion", str(), "kind", str(), "metadata", node("object"), "spec", spec,
                "status", status).describe("An object managed by the operator.");
        // kube allows nothing on the root's metadata but its type (a description is refused, too)
        ((Node) ((Node) root.get("properties")).get("metadata")).remove("description");
        return root;
    }

    // ---- Prometheus

    private static Node prometheusSchema() {
        Node spec = object(
                "replicas", integer().with("minimum", 0).dflt(1),
                "shards", integer().with("minimum", 1),
                "version", str("^v?[0-9]+\\.[0-9]+\\.[0-9]+$"),
                "image", str(),
                "paused", bool(),
                "logLevel", strEnum("debug", "info", "warn", "error").dflt("info"),
                "logFormat", strEnum("logfmt", "json"),
                "retention", str("^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$")
                        .dflt("24h"),
                "scrapeInterval", str("^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$").dflt("30s"),
                "externalUrl", str().with("format", "uri"),
                "externalLabels", stringMap(),
                "serviceMonitorSelector", labelSelector(),
                "serviceMonitorNamespaceSelector", labelSelector(),
                "podMetadata", object("name", str(), "labels", stringMap(), "annotations", stringMap()),
                "podTemplate", node("object").with("x-kubernetes-embedded-resource", true)
                        .with("x-kubernetes-preserve-unknown-fields", true),
                "containers", mapList(container(), "name"),
                "initContainers", mapList(container(), "name"),
                "affinity", affinity(),
                "tolerations", array(toleration()),
                "nodeSelector", stringMap(),
                "resources", resources(),
                "securityContext", podSecurityContext(),
                "storage", object(
                        "class", str().with("maxLength", 253).rule("self == oldSelf", "storage class is immutable"),
                        "emptyDir", object("medium", str(), "sizeLimit", quantity()),
                        "volumeClaimTemplate", object(
                                "metadata", object("name", str(), "labels", stringMap(), "annotations", stringMap()),
                                "spec", object(
                                        "accessModes", strings(),
                                        "storageClassName", str(),
                                        "volumeMode", strEnum("Filesystem", "Block"),
                                        "resources", resources(),
                                        "selector", labelSelector())),
                        "disableMountSubPath", bool()),
                "remoteWrite", array(remoteWrite()).with("maxItems", 32),
                "additionalScrapeConfigs", preserveUnknown(),
                "volumes", mapList(volume(), "name"))
                .rule("!has(self.shards) || self.shards * self.replicas <= 100",
                        "shards times replicas may not exceed 100");
        Node status = object(
                "replicas", integer(),
                "updatedReplicas", integer(),
                "availableReplicas", integer(),
                "unavailableReplicas", integer(),
                "paused", bool(),
                "selector", str(),
                "conditions", conditions(),
                "shardStatuses", mapList(object("shardID", str(), "replicas", integer(),
                        "availableReplicas", integer()).required("shardID"), "shardID"));
        return root(spec, status);
    }

    private static Node remoteWrite() {
        return object(
                "url", str().with("minLength", 1).with("maxLength", 2048).rule("self.startsWith('http://') || self.startsWith('https://')",
                        "url must be an http or https URL"),
                "name", str(),
                "remoteTimeout", str("^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"),
                "headers", stringMap(),
                "writeRelabelConfigs", array(relabeling()),
                "queueConfig", object("capacity", integer(), "minShards", integer(), "maxShards", integer(),
                        "maxSamplesPerSend", integer(), "batchSendDeadline", str(), "retryOnRateLimit", bool()),
                "basicAuth", object("username", secretKeySelector(), "password", secretKeySelector()),
                "bearerTokenSecret", secretKeySelector(),
                "tlsConfig", tlsConfig())
                .required("url");
    }

    private static Node relabeling() {
        return object(
                "sourceLabels", array(str("^[a-zA-Z_][a-zA-Z0-9_]*$")),
                "separator", str(),
                "targetLabel", str(),
                "regex", str(),
                "modulus", int64(),
                "replacement", str(),
                "action", strEnum("replace", "keep", "drop", "hashmod", "labelmap", "labeldrop", "labelkeep")
                        .dflt("replace"));
    }

    private static Node tlsConfig() {
        return object(
                "ca", object("secret", secretKeySelector(), "configMap", secretKeySelector()),
                "cert", object("secret", secretKeySelector(), "configMap", secretKeySelector()),
                "keySecret", secretKeySelector(),
                "serverName", str(),
                "insecureSkipVerify", bool());
    }

    // ---- ServiceMonitor

    private static Node serviceMonitorSchema() {
        Node endpoint = object(
                "port", str(),
                "targetPort", intOrString(),
                "path", str(),
                "scheme", strEnum("http", "https"),
                "params", node("object").with("additionalProperties", strings()),
                "interval", str("^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"),
                "scrapeTimeout", str("^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"),
                "honorLabels", bool(),
                "relabelings", array(relabeling()),
                "metricRelabelings", array(relabeling()),
                "tlsConfig", tlsConfig(),
                "bearerTokenSecret", secretKeySelector(),
                "basicAuth", object("username", secretKeySelector(), "password", secretKeySelector()));
        Node spec = object(
                "jobLabel", str(),
                "targetLabels", strings(),
                "podTargetLabels", strings(),
                "endpoints", array(endpoint),
                "selector", labelSelector(),
                "namespaceSelector", object("any", bool(), "matchNames", strings()),
                "sampleLimit", int64().with("minimum", 0),
                "replicas", integer())
                .required("selector");
        return root(spec, object("replicas", integer(), "selector", str(), "conditions", conditions()));
    }

    // ---- Certificate

    private static Node certificateSchema() {
        Node spec = object(
                "secretName", str("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").with("maxLength", 253),
                "commonName", str().with("maxLength", 64),
                "dnsNames", array(str().with("format", "hostname")),
                "ipAddresses", strings(),
                "uris", strings(),
                "emailAddresses", array(str().with("format", "email")),
                "duration", str(),
                "renewBefore", str(),
                "revisionHistoryLimit", integer().with("minimum", 1),
                "issuerRef", object("name", str(), "kind", str(), "group", str()).required("name"),
                "isCA", bool(),
                "usages", array(strEnum("signing", "digital signature", "key encipherment", "server auth",
                        "client auth", "code signing", "cert sign", "crl sign")),
                "privateKey", object(
                        "algorithm", strEnum("RSA", "ECDSA", "Ed25519"),
                        "size", integer(),
                        "encoding", strEnum("PKCS1", "PKCS8"),
                        "rotationPolicy", strEnum("Never", "Always").dflt("Always")),
                "secretTemplate", object("annotations", stringMap(), "labels", stringMap()),
                "keystores", object(
                        "jks", object("create", bool(), "passwordSecretRef", secretKeySelector())
                                .required("create", "passwordSecretRef"),
                        "pkcs12", object("create", bool(), "passwordSecretRef", secretKeySelector(),
                                "profile", strEnum("LegacyRC2", "LegacyDES", "Modern2023"))
                                .required("create", "passwordSecretRef")),
                "subject", object("organizations", strings(), "countries", strings(),
                        "organizationalUnits", strings(), "localities", strings(), "provinces", strings(),
                        "streetAddresses", strings(), "postalCodes", strings(), "serialNumber", str()),
                "replicas", integer())
                .required("secretName", "issuerRef")
                .rule("has(self.commonName) || (has(self.dnsNames) && size(self.dnsNames) > 0) || has(self.uris)"
                                + " || has(self.emailAddresses) || has(self.ipAddresses)",
                        "at least one of commonName, dnsNames, uris, emailAddresses or ipAddresses must be set")
                .rule("!has(self.privateKey) || !has(self.privateKey.algorithm) || self.privateKey.algorithm != 'Ed25519'"
                        + " || !has(self.privateKey.size)", "privateKey.size may not be set for Ed25519 keys");
        Node status = object(
                "conditions", conditions(),
                "notAfter", str().with("format", "date-time"),
                "notBefore", str().with("format", "date-time"),
                "renewalTime", str().with("format", "date-time"),
                "revision", integer(),
                "replicas", integer(),
                "selector", str(),
                "nextPrivateKeySecretName", str());
        return root(spec, status);
    }

    // ---- ClusterIssuer

    private static Node clusterIssuerSchema() {
        Node solver = object(
                "selector", object("dnsNames", strings(), "dnsZones", strings(), "matchLabels", stringMap()),
                "http01", object("ingress", object(
                        "class", str(),
                        "ingressClassName", str(),
                        "serviceType", strEnum("ClusterIP", "NodePort"),
                        "podTemplate", object(
                                "metadata", object("labels", stringMap(), "annotations", stringMap()),
                                "spec", object("affinity", affinity(), "nodeSelector", stringMap(),
                                        "tolerations", array(toleration()), "priorityClassName", str(),
                                        "serviceAccountName", str())))),
                "dns01", object(
                        "cloudflare", object("email", str().with("format", "email"),
                                "apiTokenSecretRef", secretKeySelector()),
                        "route53", object("region", str(), "hostedZoneID", str(),
                                "accessKeyIDSecretRef", secretKeySelector()),
                        "webhook", object("groupName", str(), "solverName", str(), "config", preserveUnknown())
                                .required("groupName", "solverName")));
        Node spec = object(
                "acme", object(
                        "server", str().with("format", "uri"),
                        "email", str().with("format", "email"),
                        "skipTLSVerify", bool(),
                        "privateKeySecretRef", secretKeySelector(),
                        "solvers", array(solver))
                        .required("server", "privateKeySecretRef"),
                "ca", object("secretName", str(), "crlDistributionPoints", strings()).required("secretName"),
                "selfSigned", object("crlDistributionPoints", strings()),
                "vault", object("server", str(), "path", str(), "caBundle", str().with("format", "byte"),
                        "auth", object("tokenSecretRef", secretKeySelector(),
                                "kubernetes", object("role", str(), "mountPath", str(),
                                        "secretRef", secretKeySelector()))).required("server", "path", "auth"),
                "replicas", integer())
                .rule("[has(self.acme), has(self.ca), has(self.selfSigned), has(self.vault)].filter(x, x).size() == 1",
                        "exactly one of acme, ca, selfSigned or vault must be set");
        return root(spec, object("conditions", conditions(), "replicas", integer(), "selector", str(),
                "acme", object("uri", str(), "lastRegisteredEmail", str())));
    }

    // ---- shared pieces, shaped like the pod spec types they copy

    private static Node container() {
        return object(
                "name", str(),
                "image", str(),
                "imagePullPolicy", strEnum("Always", "IfNotPresent", "Never"),
                "command", strings(),
                "args", strings(),
                "workingDir", str(),
                "env", mapList(envVar(), "name"),
                "envFrom", array(object("prefix", str(), "configMapRef", object("name", str(), "optional", bool()),
                        "secretRef", object("name", str(), "optional", bool()))),
                "ports", mapList(object(
                        "name", str(),
                        "containerPort", integer().with("minimum", 1).with("maximum", 65535),
                        "hostPort", integer(),
                        "hostIP", str().with("format", "ipv4"),
                        "protocol", strEnum("TCP", "UDP", "SCTP").dflt("TCP")).required("containerPort"),
                        "containerPort", "protocol"),
                "resources", resources(),
                "livenessProbe", probe(),
                "readinessProbe", probe(),
                "startupProbe", probe(),
                "lifecycle", object("postStart", handler(), "preStop", handler()),
                "securityContext", securityContext(),
                "volumeMounts", mapList(object("name", str(), "mountPath", str(), "readOnly", bool(),
                        "subPath", str(), "mountPropagation", strEnum("None", "HostToContainer", "Bidirectional"))
                        .required("name", "mountPath"), "mountPath"),
                "terminationMessagePath", str(),
                "terminationMessagePolicy", strEnum("File", "FallbackToLogsOnError"),
                "stdin", bool(),
                "tty", bool())
                .required("name");
    }

    private static Node envVar() {
        return object(
                "name", str(),
                "value", str(),
                "valueFrom", object(
                        "configMapKeyRef", secretKeySelector(),
                        "secretKeyRef", secretKeySelector(),
                        "fieldRef", object("apiVersion", str(), "fieldPath", str()).required("fieldPath"),
                        "resourceFieldRef", object("containerName", str(), "divisor", quantity(), "resource", str())
                                .required("resource")))
                .required("name");
    }

    private static Node probe() {
        return object(
                "exec", object("command", strings()),
                "httpGet", object("path", str(), "port", intOrString(), "host", str(),
                        "scheme", strEnum("HTTP", "HTTPS"),
                        "httpHeaders", array(object("name", str(), "value", str()).required("name", "value")))
                        .required("port"),
                "tcpSocket", object("port", intOrString(), "host", str()).required("port"),
                "grpc", object("port", integer(), "service", str()).required("port"),
                "initialDelaySeconds", integer(),
                "periodSeconds", integer(),
                "timeoutSeconds", integer(),
                "successThreshold", integer(),
                "failureThreshold", integer(),
                "terminationGracePeriodSeconds", int64());
    }

    private static Node handler() {
        return object(
                "exec", object("command", strings()),
                "httpGet", object("path", str(), "port", intOrString(), "host", str(),
                        "scheme", strEnum("HTTP", "HTTPS")).required("port"),
                "sleep", object("seconds", int64()).required("seconds"));
    }

    private static Node securityContext() {
        return object(
                "allowPrivilegeEscalation", bool(),
                "capabilities", object("add", strings(), "drop", strings()),
                "privileged", bool(),
                "readOnlyRootFilesystem", bool(),
                "runAsGroup", int64(),
                "runAsNonRoot", bool(),
                "runAsUser", int64(),
                "seLinuxOptions", object("level", str(), "role", str(), "type", str(), "user", str()),
                "seccompProfile", object("type", strEnum("RuntimeDefault", "Unconfined", "Localhost"),
                        "localhostProfile", str()).required("type"));
    }

    private static Node podSecurityContext() {
        return object(
                "fsGroup", int64(),
                "runAsGroup", int64(),
                "runAsNonRoot", bool(),
                "runAsUser", int64(),
                "supplementalGroups", array(int64()),
                "sysctls", array(object("name", str(), "value", str()).required("name", "value")),
                "seccompProfile", object("type", strEnum("RuntimeDefault", "Unconfined", "Localhost"),
                        "localhostProfile", str()).required("type"));
    }

    private static Node resources() {
        return object(
                "limits", node("object").with("additionalProperties", quantity()),
                "requests", node("object").with("additionalProperties", quantity()),
                "claims", mapList(object("name", str()).required("name"), "name"));
    }

    private static Node volume() {
        return object(
                "name", str(),
                "configMap", object("name", str(), "defaultMode", integer(), "optional", bool(),
                        "items", array(object("key", str(), "path", str(), "mode", integer()).required("key", "path"))),
                "secret", object("secretName", str(), "defaultMode", integer(), "optional", bool(),
                        "items", array(object("key", str(), "path", str(), "mode", integer()).required("key", "path"))),
                "emptyDir", object("medium", str(), "sizeLimit", quantity()),
                "persistentVolumeClaim", object("claimName", str(), "readOnly", bool()).required("claimName"),
                "projected", object("defaultMode", integer(), "sources", array(object(
                        "configMap", object("name", str(), "optional", bool()),
                        "secret", object("name", str(), "optional", bool()),
                        "serviceAccountToken", object("audience", str(), "expirationSeconds", int64(),
                                "path", str()).required("path")))))
                .required("name");
    }

    private static Node labelSelector() {
        return object(
                "matchLabels", stringMap(),
                "matchExpressions", array(object(
                        "key", str(),
                        "operator", strEnum("In", "NotIn", "Exists", "DoesNotExist"),
                        "values", strings()).required("key", "operator")))
                .with("x-kubernetes-map-type", "atomic");
    }

    private static Node nodeSelectorTerm() {
        Node requirement = object(
                "key", str(),
                "operator", strEnum("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")
                        .describe("Represents a key's relationship to a set of values: In, NotIn, Exists,"
                                + " DoesNotExist, Gt or Lt (the deep field kubectl explain is asked for)."),
                "values", strings()).required("key", "operator");
        return object("matchExpressions", array(requirement), "matchFields", array(object(
                "key", str(), "operator", strEnum("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"),
                "values", strings()).required("key", "operator")))
                .with("x-kubernetes-map-type", "atomic");
    }

    private static Node podAffinityTerm() {
        return object(
                "labelSelector", labelSelector(),
                "namespaceSelector", labelSelector(),
                "namespaces", strings(),
                "topologyKey", str(),
                "matchLabelKeys", strings())
                .required("topologyKey");
    }

    private static Node affinity() {
        return object(
                "nodeAffinity", object(
                        "requiredDuringSchedulingIgnoredDuringExecution", object(
                                "nodeSelectorTerms", array(nodeSelectorTerm())).required("nodeSelectorTerms"),
                        "preferredDuringSchedulingIgnoredDuringExecution", array(object(
                                "weight", integer().with("minimum", 1).with("maximum", 100),
                                "preference", nodeSelectorTerm()).required("weight", "preference"))),
                "podAffinity", object(
                        "requiredDuringSchedulingIgnoredDuringExecution", array(podAffinityTerm()),
                        "preferredDuringSchedulingIgnoredDuringExecution", array(object(
                                "weight", integer(), "podAffinityTerm", podAffinityTerm())
                                .required("weight", "podAffinityTerm"))),
                "podAntiAffinity", object(
                        "requiredDuringSchedulingIgnoredDuringExecution", array(podAffinityTerm()),
                        "preferredDuringSchedulingIgnoredDuringExecution", array(object(
                                "weight", integer(), "podAffinityTerm", podAffinityTerm())
                                .required("weight", "podAffinityTerm"))));
    }

    private static Node toleration() {
        return object(
                "key", str(),
                "operator", strEnum("Exists", "Equal"),
                "value", str(),
                "effect", strEnum("NoSchedule", "PreferNoSchedule", "NoExecute"),
                "tolerationSeconds", int64());
    }

    private static Node secretKeySelector() {
        return object("name", str(), "key", str(), "optional", bool()).required("key")
                .with("x-kubernetes-map-type", "atomic");
    }

    private static Node conditions() {
        return mapList(object(
                "type", str("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$").with("maxLength", 316),
                "status", strEnum("True", "False", "Unknown"),
                "observedGeneration", int64().with("minimum", 0),
                "lastTransitionTime", str().with("format", "date-time"),
                "reason", str().with("maxLength", 1024),
                "message", str().with("maxLength", 32768))
                .required("type", "status"), "type");
    }
}
