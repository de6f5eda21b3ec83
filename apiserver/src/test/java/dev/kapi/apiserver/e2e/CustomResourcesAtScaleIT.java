package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * CRDs at the scale real clusters have them, through kubectl v1.32 and HTTP: an operator-shaped set
 * ({@link OperatorCrds}: several versions, schemas thousands of YAML lines deep, CEL rules, status and scale)
 * that is too large for client-side apply's annotation, so it is applied server-side, then used at every
 * version; and {@value BulkCrds#COUNT} small CRDs created one after another, each served within a second,
 * all in discovery and OpenAPI, then all deleted and no longer served.
 */
@ExtendWith(KapiServerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CustomResourcesAtScaleIT {

    private static final String NS = "e2e-crd-scale";
    private static final Kubectl KUBECTL = Kubectl.named("kubectl");
    private static final String MON = OperatorCrds.MONITORING;
    private static final String CERTS = OperatorCrds.CERTS;
    private static final List<Map<String, Object>> SET = List.of(OperatorCrds.prometheus(),
            OperatorCrds.serviceMonitor(), OperatorCrds.certificate(), OperatorCrds.clusterIssuer());

    private static Result run(String stdin, String... args) {
        return KUBECTL.runWithInput(stdin, Stream.concat(Stream.of("-n", NS), Stream.of(args)).toArray(String[]::new));
    }

    private static String ok(String stdin, String... args) {
        Result r = run(stdin, args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out();
    }

    private static Result refused(String stdin, String... args) {
        Result r = run(stdin, args);
        assertThat(r.exit()).as(r.toString()).isNotZero();
        return r;
    }

    private static JsonNode getJson(String path) {
        KubeHttp.Reply r = KubeHttp.get(path);
        assertThat(r.code()).as(path + " -> " + r).isEqualTo(200);
        return r.json();
    }

    @AfterAll
    static void cleanUp() {
        for (Map<String, Object> crd : SET) {
            @SuppressWarnings("unchecked")
            String name = (String) ((Map<String, Object>) crd.get("metadata")).get("name");
            KubeHttp.delete("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + name);
        }
        KubeHttp.delete("/api/v1/namespaces/" + NS);
    }

    @Test
    @Order(1)
    void theOperatorSetIsTooLargeForClientSideApplyAndInstallsServerSide() {
        KubeHttp.createNamespace(NS);
        String prometheus = OperatorCrds.yaml(SET.getFirst());
        long yamlLines = prometheus.lines().count();
        int jsonBytes = Json.MAPPER.writeValueAsString(SET.getFirst()).length();
        System.out.printf("operator CRD set: Prometheus CRD %d YAML lines, %d KiB as JSON; whole set %d YAML lines%n",
                yamlLines, jsonBytes / 1024, SET.stream().mapToLong(c -> OperatorCrds.yaml(c).lines().count()).sum());
        assertThat(yamlLines).isGreaterThan(3000);
        assertThat(jsonBytes).isGreaterThan(256 * 1024);

        // kubectl's last-applied annotation would hold the whole CRD: refused as kube refuses it
        Result clientSide = refused(prometheus, "apply", "-f", "-");
        assertThat(clientSide.err()).contains("The CustomResourceDefinition \"prometheuses." + MON + "\" is invalid: "
                + "metadata.annotations: Too long: must have at most 262144 bytes");
        assertThat(KubeHttp.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/prometheuses." + MON).code())
                .isEqualTo(404);

        long t0 = System.nanoTime();
        String all = String.join("---\n", SET.stream().map(OperatorCrds::yaml).toList());
        String out = ok(all, "apply", "--server-side", "-f", "-");
        for (String name : List.of("prometheuses." + MON, "servicemonitors." + MON, "certificates." + CERTS,
                "clusterissuers." + CERTS)) {
            assertThat(out).contains("customresourcedefinition.apiextensions.k8s.io/" + name + " serverside-applied");
            ok(null, "wait", "--for=condition=Established", "--timeout=10s", "crd/" + name);
        }
        System.out.printf("operator CRD set applied server-side and Established in %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        // applying the same set again changes nothing
        assertThat(ok(all, "apply", "--server-side", "-f", "-")).contains("serverside-applied");
    }

    static String prometheus(String version, String name, String extraSpec) {
        return """
                apiVersion: %s/%s
                kind: Prometheus
                metadata: {name: %s, labels: {team: frontend}}
                spec:
                  replicas: 2
                  version: v2.54.1
                  logFormat: json
                  externalUrl: https://prometheus.example.com/
                  serviceMonitorSelector: {matchLabels: {team: frontend}}
                  podTemplate:
                    apiVersion: v1
                    kind: Pod
                    metadata: {labels: {app: prometheus}}
                    spec: {priorityClassName: high, containers: [{name: shell, image: busybox}]}
                  containers:
                  - name: prometheus
                    image: quay.io/prometheus/prometheus:v2.54.1
                    args: [--web.enable-lifecycle]
                    env:
                    - {name: GOMAXPROCS, value: "2"}
                    - name: POD_NAME
                      valueFrom: {fieldRef: {fieldPath: metadata.name}}
                    ports: [{name: web, containerPort: 9090}]
                    resources: {requests: {cpu: 500m, memory: 2Gi}, limits: {memory: 4Gi, cpu: 2}}
                    readinessProbe: {httpGet: {path: /-/ready, port: web}, periodSeconds: 5}
                    livenessProbe: {httpGet: {path: /-/healthy, port: 9090}}
                    securityContext:
                      runAsNonRoot: true
                      capabilities: {drop: [ALL]}
                      seccompProfile: {type: RuntimeDefault}
                    volumeMounts: [{name: data, mountPath: /prometheus}]
                  affinity:
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms:
                        - matchExpressions:
                          - {key: kubernetes.io/arch, operator: In, values: [amd64, arm64]}
                    podAntiAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                      - weight: 100
                        podAffinityTerm:
                          topologyKey: kubernetes.io/hostname
                          labelSelector:
                            matchExpressions: [{key: app, operator: In, values: [prometheus]}]
                  tolerations: [{key: dedicated, operator: Equal, value: monitoring, effect: NoSchedule}]
                  storage:
                    class: fast
                    volumeClaimTemplate:
                      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 50Gi}}}
                  remoteWrite:
                  - url: https://mimir.example.com/api/v1/push
                    writeRelabelConfigs: [{sourceLabels: [__name__], regex: "go_.*", action: drop}, {targetLabel: env, replacement: prod}]
                    queueConfig: {maxShards: 10}
                    basicAuth:
                      username: {name: mimir, key: user}
                      password: {name: mimir, key: password}
                  additionalScrapeConfigs:
                    jobs: [{job_name: extra, static_configs: [{targets: ["a:9100"]}]}, {deep: {deeper: {deepest: true}}}]
                  volumes:
                  - name: data
                    emptyDir: {sizeLimit: 1Gi}
                %s""".formatted(MON, version, name, extraSpec);
    }

    private static String certificate(String version, String name, String spec) {
        return """
                apiVersion: %s/%s
                kind: Certificate
                metadata: {name: %s}
                spec:
                  secretName: %s-tls
                  issuerRef: {name: letsencrypt, kind: ClusterIssuer, group: %s}
                  duration: 2160h
                  renewBefore: 360h
                  privateKey: {algorithm: ECDSA, size: 256, encoding: PKCS8}
                  usages: [server auth, client auth]
                  subject: {organizations: [Example]}
                  keystores:
                    pkcs12:
                      create: true
                      passwordSecretRef: {name: p12, key: password}
                %s""".formatted(CERTS, version, name, name, CERTS, spec);
    }

    private static String clusterIssuer(String version, String name, String spec) {
        return """
                apiVersion: %s/%s
                kind: ClusterIssuer
                metadata: {name: %s}
                spec:
                %s""".formatted(CERTS, version, name, spec);
    }

    private static final String ACME = """
              acme:
                server: https://acme-v02.api.letsencrypt.org/directory
                email: ops@example.com
                privateKeySecretRef: {name: letsencrypt-account, key: tls.key}
                solvers:
                - selector: {dnsZones: [example.com]}
                  dns01:
                    webhook:
                      groupName: acme.example.com
                      solverName: example
                      config: {apiUrl: "https://dns.example.com", ttl: 60, nested: {list: [1, two]}}
                - http01:
                    ingress:
                      ingressClassName: nginx
                      podTemplate:
                        spec:
                          affinity:
                            nodeAffinity:
                              requiredDuringSchedulingIgnoredDuringExecution:
                                nodeSelectorTerms:
                                - matchExpressions: [{key: zone, operator: NotIn, values: [z1]}]
            """;

    @Test
    @Order(2)
    void objectsOfEveryKindAreServedAtEveryVersion() {
        for (String v : OperatorCrds.VERSIONS) {
            Result p = run(prometheus(v, "p-" + v, ""), "apply", "-f", "-");
            assertThat(p.exit()).as(p.toString()).isZero();
            assertThat(p.err().contains("Warning: " + MON + "/v1alpha1 Prometheus is deprecated")).as(p.toString())
                    .isEqualTo(v.equals("v1alpha1"));
            ok(certificate(v, "c-" + v, "  dnsNames: [www.example.com, api.example.com]\n"), "apply", "-f", "-");
            ok("""
                    apiVersion: %s/%s
                    kind: ServiceMonitor
                    metadata: {name: sm-%s}
                    spec:
                      selector: {matchLabels: {app: web}}
                      namespaceSelector: {matchNames: [default]}
                      endpoints:
                      - port: metrics
                        targetPort: 8080
                        interval: 15s
                        relabelings: [{sourceLabels: [__meta_kubernetes_pod_name], targetLabel: pod}]
                    """.formatted(MON, v, v), "apply", "-f", "-");
            ok(clusterIssuer(v, "ci-" + v, ACME), "apply", "-f", "-");
        }
        for (String created : OperatorCrds.VERSIONS) {
            for (String read : OperatorCrds.VERSIONS) {
                JsonNode p = getJson("/apis/" + MON + "/" + read + "/namespaces/" + NS + "/prometheuses/p-" + created);
                assertThat(p.path("apiVersion").asString()).isEqualTo(MON + "/" + read);
                JsonNode c = getJson("/apis/" + CERTS + "/" + read + "/clusterissuers/ci-" + created);
                assertThat(c.at("/spec/acme/solvers/0/dns01/webhook/config/nested/list/1").asString()).isEqualTo("two");
            }
        }
        JsonNode p = getJson("/apis/" + MON + "/v1/namespaces/" + NS + "/prometheuses/p-v1alpha1");
        // defaults applied deep down (the list-map key protocol included), preserved and embedded subtrees kept
        assertThat(p.at("/spec/logLevel").asString()).isEqualTo("info");
        assertThat(p.at("/spec/retention").asString()).isEqualTo("24h");
        assertThat(p.at("/spec/containers/0/ports/0/protocol").asString()).isEqualTo("TCP");
        assertThat(p.at("/spec/remoteWrite/0/writeRelabelConfigs/1/action").asString()).isEqualTo("replace");
        assertThat(p.at("/spec/additionalScrapeConfigs/jobs/1/deep/deeper/deepest").asBoolean()).isTrue();
        assertThat(p.at("/spec/podTemplate/spec/priorityClassName").asString()).isEqualTo("high");
        assertThat(p.at("/spec/containers/0/resources/limits/cpu").asInt()).isEqualTo(2);
        assertThat(getJson("/apis/" + CERTS + "/v1/namespaces/" + NS + "/certificates/c-v1beta1")
                .at("/spec/privateKey/rotationPolicy").asString()).isEqualTo("Always");
        JsonNode list = getJson("/apis/" + MON + "/v1beta1/namespaces/" + NS + "/prometheuses");
        assertThat(list.path("kind").asString()).isEqualTo("PrometheusList");
        assertThat(list.path("items").size()).isEqualTo(3);
    }

    @Test
    @Order(3)
    void getShowsThePrinterColumnsAndScaleAndCategoriesWork() {
        ok(null, "patch", "prometheus", "p-v1", "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"replicas\":2,\"availableReplicas\":2,\"selector\":\"app=prometheus\","
                        + "\"conditions\":[{\"type\":\"Reconciled\",\"status\":\"True\"}]}}");
        String table = ok(null, "get", "prometheuses");
        assertThat(table.lines().findFirst().orElseThrow()).matches("NAME\\s+VERSION\\s+DESIRED\\s+READY\\s+RECONCILED\\s+AGE");
        assertThat(table).containsPattern("p-v1\\s+v2\\.54\\.1\\s+2\\s+2\\s+True\\s+\\d+s");
        ok(null, "patch", "certificate", "c-v1", "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"message\":\"Certificate is up to date\"}]}}");
        String wide = ok(null, "get", "certs", "-o", "wide");
        assertThat(wide.lines().findFirst().orElseThrow()).matches("NAME\\s+READY\\s+SECRET\\s+ISSUER\\s+STATUS\\s+AGE");
        assertThat(wide).containsPattern("c-v1\\s+True\\s+c-v1-tls\\s+letsencrypt\\s+Certificate is up to date\\s+\\d+s");
        assertThat(ok(null, "get", "clusterissuers")).containsPattern("ci-v1beta1\\s+<none>\\s+\\d+s");

        assertThat(ok(null, "scale", "prom", "p-v1", "--replicas=3")).contains("prometheus." + MON + "/p-v1 scaled");
        JsonNode scale = getJson("/apis/" + MON + "/v1/namespaces/" + NS + "/prometheuses/p-v1/scale");
        assertThat(scale.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(scale.at("/status/selector").asString()).isEqualTo("app=prometheus");

        String category = ok(null, "get", "scale-e2e");
        assertThat(category).contains("prometheus." + MON + "/p-v1alpha1", "servicemonitor." + MON + "/sm-v1",
                "certificate." + CERTS + "/c-v1beta1", "clusterissuer." + CERTS + "/ci-v1");
    }

    @Test
    @Order(4)
    void explainFindsADeepField() {
        String out = ok(null, "explain", "prometheuses.spec.affinity.nodeAffinity"
                + ".requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.matchExpressions.operator");
        assertThat(out).contains("KIND:       Prometheus", "VERSION:    v1")
                .contains("FIELD: operator <string>")
                .contains("the deep field kubectl explain is asked for")
                .contains("DoesNotExist");
    }

    @Test
    @Order(5)
    void theSchemaAndTheCelRulesRefuseBadObjects() {
        Result pattern = refused(prometheus("v1", "bad1", "").replace("version: v2.54.1", "version: latest"),
                "apply", "-f", "-");
        assertThat(pattern.err()).contains("spec.version: Invalid value: \"latest\": spec.version in body should match "
                + "'^v?[0-9]+\\.[0-9]+\\.[0-9]+$'");
        Result deepEnum = refused(prometheus("v1", "bad2", "").replace("operator: In, values: [amd64", "operator: Maybe, values: [amd64"),
                "apply", "-f", "-");
        assertThat(deepEnum.err()).contains("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                + ".nodeSelectorTerms[0].matchExpressions[0].operator: Unsupported value: \"Maybe\"");
        Result shards = refused(prometheus("v1beta1", "bad3", "  shards: 60\n"), "apply", "-f", "-");
        assertThat(shards.err()).contains("spec: Invalid value: \"object\": shards times replicas may not exceed 100");
        Result url = refused(prometheus("v1", "bad4", "").replace("url: https://mimir", "url: ftp://mimir"),
                "apply", "-f", "-");
        assertThat(url.err()).contains("spec.remoteWrite[0].url: Invalid value: \"string\": url must be an http or https URL");
        Result noNames = refused(certificate("v1", "bad5", ""), "apply", "-f", "-");
        assertThat(noNames.err()).contains("at least one of commonName, dnsNames, uris, emailAddresses or ipAddresses must be set");
        Result two = refused(clusterIssuer("v1", "bad6", ACME + "  ca: {secretName: root-ca}\n"), "apply", "-f", "-");
        assertThat(two.err()).contains("exactly one of acme, ca, selfSigned or vault must be set");
        Result embedded = refused(prometheus("v1", "bad7", "").replace("    apiVersion: v1\n    kind: Pod\n", ""),
                "apply", "-f", "-");
        assertThat(embedded.err()).contains("spec.podTemplate.apiVersion: Required value",
                "spec.podTemplate.kind: Required value");
        // the transition rule: the storage class of an existing object cannot change
        Result transition = refused(prometheus("v1", "p-v1beta1", "").replace("class: fast", "class: slow"),
                "apply", "-f", "-");
        assertThat(transition.err()).contains("spec.storage.class: Invalid value: \"string\": storage class is immutable");
        for (String name : List.of("bad1", "bad2", "bad3", "bad4", "bad7")) {
            assertThat(KubeHttp.get("/apis/" + MON + "/v1/namespaces/" + NS + "/prometheuses/" + name).code()).isEqualTo(404);
        }
    }

    @Test
    @Order(6)
    void twoManagersOwnDifferentItemsOfAListMap() {
        String alpha = """
                apiVersion: %s/v1
                kind: Prometheus
                metadata: {name: shared}
                spec:
                  replicas: 1
                  containers:
                  - name: prometheus
                    image: prom:v1
                    env: [{name: A, value: "1"}]
                """.formatted(MON);
        String beta = """
                apiVersion: %s/v1
                kind: Prometheus
                metadata: {name: shared}
                spec:
                  containers:
                  - name: config-reloader
                    image: reloader:v1
                """.formatted(MON);
        ok(alpha, "apply", "--server-side", "--field-manager=alpha", "-f", "-");
        ok(beta, "apply", "--server-side", "--field-manager=beta", "-f", "-");
        String path = "/apis/" + MON + "/v1/namespaces/" + NS + "/prometheuses/shared";
        JsonNode obj = getJson(path);
        assertThat(containerNames(obj)).containsExactly("prometheus", "config-reloader");
        assertThat(ManagedFields.owns(ManagedFields.entry(obj, "alpha", "Apply"), "f:spec", "f:containers",
                "k:{\"name\":\"prometheus\"}", "f:image")).isTrue();
        assertThat(ManagedFields.owns(ManagedFields.entry(obj, "alpha", "Apply"), "f:spec", "f:containers",
                "k:{\"name\":\"config-reloader\"}")).isFalse();
        assertThat(ManagedFields.owns(ManagedFields.entry(obj, "beta", "Apply"), "f:spec", "f:containers",
                "k:{\"name\":\"config-reloader\"}", "f:image")).isTrue();

        // beta changing alpha's item conflicts; alpha dropping its item leaves beta's alone
        Result conflict = refused(beta.replace("- name: config-reloader\n    image: reloader:v1",
                "- name: prometheus\n    image: prom:v2"), "apply", "--server-side", "--field-manager=beta", "-f", "-");
        assertThat(conflict.err()).contains("conflict with \"alpha\"", ".spec.containers[name=\"prometheus\"].image");
        ok(alpha.replace("  - name: prometheus\n    image: prom:v1\n    env: [{name: A, value: \"1\"}]\n",
                "  - name: sidecar\n    image: side:v1\n"), "apply", "--server-side", "--field-manager=alpha", "-f", "-");
        obj = getJson(path);
        assertThat(containerNames(obj)).containsExactlyInAnyOrder("config-reloader", "sidecar");
    }

    private static List<String> containerNames(JsonNode obj) {
        List<String> names = new java.util.ArrayList<>();
        obj.at("/spec/containers").forEach(c -> names.add(c.path("name").asString()));
        return names;
    }

    @Test
    @Order(7)
    void twoHundredCrdsAreEachServedWithinASecondListedAndThenGone() {
        BulkCrds.Run run = BulkCrds.createAll(KapiServerExtension.server().admin());
        System.out.println(run.report("create → served"));
        assertThat(run.maxMillis()).as(run.report("create → served")).isLessThan(1000);

        BulkCrds.assertDiscoveredAndInOpenApi(KapiServerExtension.server().admin(), true);
        BulkCrds.Run gone = BulkCrds.deleteAll(KapiServerExtension.server().admin());
        System.out.println(gone.report("delete → not served"));
        assertThat(gone.maxMillis()).as(gone.report("delete → not served")).isLessThan(5000);
        BulkCrds.assertDiscoveredAndInOpenApi(KapiServerExtension.server().admin(), false);
    }
}
