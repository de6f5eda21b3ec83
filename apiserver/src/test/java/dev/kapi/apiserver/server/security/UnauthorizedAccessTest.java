package dev.kapi.apiserver.server.security;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.endpoints.ui.SwaggerUiFiles;
import dev.kapi.apiserver.registry.groups.certificates.TestCsrs;
import dev.kapi.apiserver.server.security.PathSpellings.Spelling;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The security regression suite: a large table of path spellings ({@link PathSpellings}) of paths that name
 * protected objects, sent with every verb (get, list, watch, create, update, patch, delete, deletecollection)
 * by three users: anonymous, {@code mallory} (authenticated, no rights) and {@code carol} (a narrow Role in
 * team-a: configmap {@code mine} by {@code resourceNames}, and the namespace team-a itself). Every answer must
 * be a kube {@code Status} unless RBAC allows exactly what was served, no answer may carry data the user may
 * not read, and no object may change but by a write RBAC allows (carol's to {@code mine}).
 *
 * <p>It would have caught the error-dispatch bypass ({@code /api/v1/namespaces/%3B/namespaces} listed and
 * deleted namespaces anonymously), the POST to an object's URL that created whatever the body named, and the
 * {@code /api/v1/namespaces/team-a/namespaces} path that served every namespace to a Role in team-a.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnauthorizedAccessTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-security-");
    static final String MALLORY_TOKEN = "mallory-token-0123456789";
    static final String CAROL_TOKEN = "carol-token-0123456789";
    /** Users of the ephemeral containers case only: dave may patch pods, erin their ephemeral containers. */
    static final String DAVE_TOKEN = "dave-token-0123456789";
    static final String ERIN_TOKEN = "erin-token-0123456789";
    static final String SECRET_VALUE = "SECRET-S-VALUE";
    /** Data no user of the table may read: it must never appear in an answer to them. */
    static final List<String> FOREIGN_DATA = List.of("THEIRS-DATA", "OTHER-DATA",
            Base64.getEncoder().encodeToString(SECRET_VALUE.getBytes(StandardCharsets.UTF_8)));
    static final String MINE_DATA = "MINE-DATA";
    static final String MINE_KEY = "/api/v1/configmaps/team-a/mine";
    /** Connections per user sending the table at once. */
    static final int WORKERS = 4;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("data-dir", DATA_DIR::toString);
        // no scheduler: it would write the fixture pods' PodScheduled condition while a test compares their versions
        registry.add("controllers", () -> "*,-kube-scheduler");
        registry.add("token-auth-file", () -> tokenFile().toString());
    }

    enum User { ANONYMOUS, MALLORY, CAROL }

    /** A path naming something protected, with the kind of object a write to it would carry. */
    record Target(String path, String apiVersion, String kind, String namespace, String name) {
        boolean collection() {
            return name == null;
        }
    }

    static final String RBAC = "/apis/rbac.authorization.k8s.io/v1";
    static final String CUSTOM_API = "sec.kapi.dev/v1";
    static final String CUSTOM = "/apis/" + CUSTOM_API;
    static final String ADMISSION_API = "admissionregistration.k8s.io/v1";
    static final String ADMISSION = "/apis/" + ADMISSION_API;
    static final String CSR_API = "certificates.k8s.io/v1";
    static final String CSRS = "/apis/" + CSR_API + "/certificatesigningrequests";
    static final String METRICS_API = "metrics.k8s.io/v1beta1";
    static final String METRICS = "/apis/" + METRICS_API;
    static final List<Target> TARGETS = List.of(
            new Target("/api/v1/namespaces/team-a/configmaps/theirs", "v1", "ConfigMap", "team-a", "theirs"),
            new Target("/api/v1/namespaces/team-a/configmaps/mine", "v1", "ConfigMap", "team-a", "mine"),
            new Target("/api/v1/namespaces/team-a/configmaps", "v1", "ConfigMap", "team-a", null),
            new Target("/api/v1/namespaces/team-a/secrets/s", "v1", "Secret", "team-a", "s"),
            new Target("/api/v1/namespaces/team-b", "v1", "Namespace", null, "team-b"),
            new Target("/api/v1/namespaces", "v1", "Namespace", null, null),
            new Target("/api/v1/namespaces/team-a/namespaces", "v1", "Namespace", null, null),
            new Target(RBAC + "/namespaces/team-a/roles/narrow", "rbac.authorization.k8s.io/v1", "Role", "team-a",
                    "narrow"),
            // custom resources: carol may only get gadget mine-gadget; knobs are cluster-scoped
            new Target(CUSTOM + "/namespaces/team-a/gadgets/theirs-gadget", CUSTOM_API, "Gadget", "team-a",
                    "theirs-gadget"),
            new Target(CUSTOM + "/namespaces/team-a/gadgets", CUSTOM_API, "Gadget", "team-a", null),
            new Target(CUSTOM + "/gadgets", CUSTOM_API, "Gadget", null, null),
            new Target(CUSTOM + "/knobs/k", CUSTOM_API, "Knob", null, "k"),
            new Target(CUSTOM + "/namespaces/team-a/knobs/k", CUSTOM_API, "Knob", "team-a", "k"),
            // a webhook or policy would let its author see or refuse every user's writes
            new Target(ADMISSION + "/validatingwebhookconfigurations", ADMISSION_API,
                    "ValidatingWebhookConfiguration", null, null),
            new Target(ADMISSION + "/validatingadmissionpolicies", ADMISSION_API, "ValidatingAdmissionPolicy",
                    null, null),
            // approving a CSR would let its author log in as whoever asked; a binding moves a pod to a node
            new Target(CSRS + "/their-csr/approval", CSR_API, "CertificateSigningRequest", null, "their-csr"),
            new Target(CSRS, CSR_API, "CertificateSigningRequest", null, null),
            new Target("/api/v1/namespaces/team-a/pods/theirs-pod/binding", "v1", "Binding", "team-a", "theirs-pod"),
            new Target("/api/v1/namespaces/team-a/bindings", "v1", "Binding", "team-a", null),
            new Target("/api/v1/componentstatuses", "v1", "ComponentStatus", null, null),
            // resource usage, computed rather than stored: get and list only
            new Target(METRICS + "/namespaces/team-a/pods/theirs-pod", METRICS_API, "PodMetrics", "team-a",
                    "theirs-pod"),
            new Target(METRICS + "/namespaces/team-a/pods", METRICS_API, "PodMetrics", "team-a", null),
            new Target(METRICS + "/nodes", METRICS_API, "NodeMetrics", null, null));

    @LocalServerPort
    int port;

    Admin admin;

    @BeforeAll
    void fixtures() throws Exception {
        admin = new Admin(new RawHttps(ssl(true), port, null));
        admin.create("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team-a\"}}");
        admin.create("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team-b\"}}");
        admin.create("/api/v1/namespaces/team-a/configmaps", configMap("theirs", "THEIRS-DATA"));
        admin.create("/api/v1/namespaces/team-a/configmaps", configMap("mine", MINE_DATA));
        admin.create("/api/v1/namespaces/team-b/configmaps", configMap("other", "OTHER-DATA"));
        admin.create("/api/v1/namespaces/team-a/secrets", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":"
                + "{\"name\":\"s\"},\"data\":{\"k\":\"" + FOREIGN_DATA.get(2) + "\"}}");
        admin.create(RBAC + "/namespaces/team-a/roles", """
                {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"narrow"},
                 "rules":[{"apiGroups":[""],"resources":["configmaps"],"resourceNames":["mine"],
                           "verbs":["get","update","patch","delete","create"]},
                          {"apiGroups":[""],"resources":["configmaps"],"resourceNames":["patch-only"],
                           "verbs":["get","patch"]},
                          {"apiGroups":[""],"resources":["endpoints"],"resourceNames":["update-only"],
                           "verbs":["get","update"]},
                          {"apiGroups":[""],"resources":["endpoints"],"resourceNames":["mine-ep"],
                           "verbs":["get","update","create"]},
                          {"apiGroups":[""],"resources":["namespaces"],"verbs":["get","list","watch"]},
                          {"apiGroups":[""],"resources":["pods/eviction"],"resourceNames":["mine-pod"],
                           "verbs":["create"]},
                          {"apiGroups":[""],"resources":["pods/binding"],"resourceNames":["mine-pod"],
                           "verbs":["create"]},
                          {"apiGroups":[""],"resources":["pods/log","pods/exec","pods/attach","pods/portforward"],
                           "resourceNames":["mine-pod"],"verbs":["get"]},
                          {"apiGroups":["sec.kapi.dev"],"resources":["gadgets"],"resourceNames":["mine-gadget"],
                           "verbs":["get","update","patch"]}]}""");
        admin.create(RBAC + "/namespaces/team-a/rolebindings", """
                {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"carol-narrow"},
                 "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"narrow"},
                 "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"carol"}]}""");
        for (String pod : List.of("team-a/mine-pod", "team-a/theirs-pod", "team-b/mine-pod")) {
            String[] nsName = pod.split("/");
            admin.create("/api/v1/namespaces/" + nsName[0] + "/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                    + "\"metadata\":{\"name\":\"" + nsName[1] + "\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                    + "\"image\":\"nginx\"}]}}");
        }
        admin.create(CSRS, "{\"apiVersion\":\"" + CSR_API + "\",\"kind\":\"CertificateSigningRequest\","
                + "\"metadata\":{\"name\":\"their-csr\"},\"spec\":{\"request\":\"" + TestCsrs.request("them")
                + "\",\"signerName\":\"example.com/signer\",\"usages\":[\"client auth\"]}}");
        customResources();
        try (RawHttps carol = client(User.CAROL)) {
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    carol.send("GET", "/api/v1/namespaces/team-a/configmaps/mine", null, null).code() == 200
                            && carol.send("GET", CUSTOM + "/namespaces/team-a/gadgets/mine-gadget", null, null)
                            .code() == 200);
        }
    }

    /** A namespaced and a cluster-scoped custom resource, served once their CRDs are established. */
    private void customResources() throws Exception {
        for (String[] crd : new String[][] {{"gadgets", "Gadget", "Namespaced"}, {"knobs", "Knob", "Cluster"}}) {
            admin.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", """
                    {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                     "metadata":{"name":"%1$s.sec.kapi.dev"},
                     "spec":{"group":"sec.kapi.dev","scope":"%3$s",
                       "names":{"plural":"%1$s","singular":"%4$s","kind":"%2$s","listKind":"%2$sList"},
                       "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
                         "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
                    """.formatted(crd[0], crd[1], crd[2], crd[1].toLowerCase()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.code(CUSTOM + "/knobs") == 200
                && admin.code(CUSTOM + "/gadgets") == 200);
        for (String gadget : List.of("team-a/mine-gadget", "team-a/theirs-gadget", "team-b/other-gadget")) {
            String[] nsName = gadget.split("/");
            admin.create(CUSTOM + "/namespaces/" + nsName[0] + "/gadgets", "{\"apiVersion\":\"" + CUSTOM_API
                    + "\",\"kind\":\"Gadget\",\"metadata\":{\"name\":\"" + nsName[1] + "\"},\"data\":\""
                    + (nsName[1].equals("mine-gadget") ? MINE_DATA : FOREIGN_DATA.get(0)) + "\"}");
        }
        admin.create(CUSTOM + "/knobs", "{\"apiVersion\":\"" + CUSTOM_API + "\",\"kind\":\"Knob\","
                + "\"metadata\":{\"name\":\"k\"},\"data\":\"" + FOREIGN_DATA.get(1) + "\"}");
    }

    @ParameterizedTest
    @EnumSource(User.class)
    void noSpellingOfAProtectedPathReadsOrChangesWhatRbacDoesNotAllow(User user) throws Exception {
        List<Case> cases = new ArrayList<>();
        for (Target target : TARGETS) {
            for (Spelling spelling : PathSpellings.of(target.path())) {
                for (Verb verb : Verb.values()) {
                    cases.add(new Case(target, spelling, verb));
                }
            }
        }
        Map<String, String> before = admin.snapshot();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService workers = Executors.newFixedThreadPool(WORKERS)) {
            for (int w = 0; w < WORKERS; w++) {
                int first = w;
                workers.submit(() -> {
                    try (RawHttps client = client(user)) {
                        for (int i = first; i < cases.size(); i += WORKERS) {
                            Case c = cases.get(i);
                            String failure = check(user, client, c);
                            if (failure != null) {
                                failures.add(c + " as " + user + ": " + failure);
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        failures.add("worker failed: " + e);
                    }
                    return null;
                });
            }
        }
        Map<String, String> after = admin.snapshot();
        if (user == User.CAROL) { // carol may change (and delete) configmap mine, and nothing else
            before.remove(MINE_KEY);
            after.remove(MINE_KEY);
            admin.restoreMine();
        }
        assertThat(cases).as("requests sent").hasSizeGreaterThan(4_000);
        assertThat(failures).as(failures.size() + " of " + cases.size() + " requests").isEmpty();
        assertThat(after).as("objects (and their resourceVersions) after the table").isEqualTo(before);
    }

    /**
     * The Swagger UI's files are the only answers without an authorization decision: to anyone, exactly these
     * paths by GET; every API path dressed as one of them ({@link UiPathSpellings}), by every verb, is judged
     * as the API path; the UI's documents ({@code /openapi/*}) and {@code /} are not public.
     */
    @ParameterizedTest
    @EnumSource(value = User.class, names = {"ANONYMOUS", "MALLORY"})
    void onlyTheSwaggerUiFilesAreServedWithoutAnAuthorizationDecision(User user) throws Exception {
        Map<String, String> before = admin.snapshot();
        List<String> failures = new ArrayList<>();
        try (RawHttps client = client(user)) {
            for (String file : SwaggerUiFiles.PATHS) {
                RawHttps.Response res = client.send("GET", file, null, null);
                int expected = file.equals(SwaggerUiFiles.ENTRY) ? 302 : 200;
                if (res.code() != expected || res.body().contains("\"kind\":\"Status\"")) {
                    failures.add("GET " + file + ": " + res.code() + " " + abbreviate(res.body()));
                }
                for (Verb verb : List.of(Verb.CREATE, Verb.UPDATE, Verb.PATCH, Verb.DELETE)) {
                    RawHttps.Response write = client.send(verb.method, file, "application/json", "{}");
                    String failure = write.code() == 403 ? judge(user, verb, write) : "not 403";
                    if (failure != null) {
                        failures.add(verb.method + " " + file + ": " + failure + " " + write.code());
                    }
                }
            }
            for (String doc : List.of("/", "/openapi/v3", "/openapi/v3/api/v1", "/openapi/v2", "/v3/api-docs",
                    "/v3/api-docs/swagger-config", "/swagger-ui/", "/swagger-ui/oauth2-redirect.html")) {
                RawHttps.Response res = client.send("GET", doc, null, null);
                boolean discovery = doc.startsWith("/openapi/") && user == User.MALLORY; // system:authenticated
                String failure = discovery ? (res.code() == 200 ? null : "not 200") : judge(user, Verb.GET, res);
                if (failure != null) {
                    failures.add("GET " + doc + ": " + failure + " " + res.code());
                }
            }
            for (Target target : TARGETS) {
                for (Spelling spelling : UiPathSpellings.of(target.path())) {
                    for (Verb verb : Verb.values()) {
                        Case c = new Case(target, spelling, verb);
                        String failure = check(user, client, c);
                        if (failure != null) {
                            failures.add(c + ": " + failure);
                        }
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(admin.snapshot()).as("objects after the UI spellings").isEqualTo(before);
    }

    /** The attacks the table grew from, one by one, with what each must leave behind. */
    @Test
    void theReportedBypassesAreClosed() throws Exception {
        try (RawHttps anonymous = client(User.ANONYMOUS); RawHttps carol = client(User.CAROL)) {
            RawHttps.Response list = anonymous.send("GET", "/api/v1/namespaces/%3B/namespaces", null, null);
            assertStatus(list, 400);
            RawHttps.Response delete = anonymous.send("DELETE", "/api/v1/namespaces/%3B/namespaces/team-b", null, null);
            assertStatus(delete, 400);
            assertThat(admin.get("/api/v1/namespaces/team-b").path("metadata").has("deletionTimestamp")).isFalse();

            RawHttps.Response create = carol.send("POST", "/api/v1/namespaces/team-a/configmaps/mine",
                    "application/json", configMap("chosen-by-carol", "x"));
            assertStatus(create, 405);
            assertThat(admin.code("/api/v1/namespaces/team-a/configmaps/chosen-by-carol")).isEqualTo(404);

            RawHttps.Response rename = carol.send("PUT", "/api/v1/namespaces/team-a/configmaps/mine",
                    "application/json", configMap("theirs", "overwritten"));
            assertStatus(rename, 400);
            assertThat(Json.MAPPER.readTree(rename.body()).path("message").asString())
                    .isEqualTo("the name of the object (theirs) does not match the name on the URL (mine)");
            RawHttps.Response patchName = carol.send("PATCH", "/api/v1/namespaces/team-a/configmaps/mine",
                    "application/merge-patch+json", "{\"metadata\":{\"name\":\"theirs\"},\"data\":{\"k\":\"x\"}}");
            assertStatus(patchName, 400);
            RawHttps.Response otherNamespace = carol.send("PUT", "/api/v1/namespaces/team-a/configmaps/mine",
                    "application/json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"mine\","
                            + "\"namespace\":\"team-b\"},\"data\":{\"k\":\"x\"}}");
            assertStatus(otherNamespace, 400);
            assertThat(Json.MAPPER.readTree(otherNamespace.body()).path("message").asString()).isEqualTo(
                    "the namespace of the object (team-b) does not match the namespace on the request (team-a)");
            assertThat(admin.get("/api/v1/namespaces/team-a/configmaps/theirs").path("data").path("k").asString())
                    .isEqualTo("THEIRS-DATA");

            RawHttps.Response allNamespaces = carol.send("GET", "/api/v1/namespaces/team-a/namespaces", null, null);
            assertStatus(allNamespaces, 404);
            assertThat(carol.send("GET", "/api/v1/namespaces/team-a", null, null).code()).isEqualTo(200);
        }
    }

    /**
     * A form-encoded body is never read as parameters: before authentication an anonymous POST of 400 KB of form
     * fields got a 500 and a stack trace in the log (the request-info stage asked for {@code watch}); it is
     * refused as in kube (403 here, where anonymous requests are on), and a form body that names {@code watch} or
     * {@code dryRun} changes nothing a handler does.
     */
    @Test
    void aFormBodyIsNeverReadAsParameters() throws Exception {
        String form = "watch=true&dryRun=All&" + "a=b&".repeat(100_000);
        try (RawHttps anonymous = client(User.ANONYMOUS); RawHttps mallory = client(User.MALLORY);
             RawHttps carol = client(User.CAROL)) {
            for (String path : List.of("/api/v1/namespaces/team-a/configmaps", "/api/v1/namespaces", "/healthz")) {
                assertStatus(anonymous.send("POST", path, "application/x-www-form-urlencoded", form), 403);
            }
            assertStatus(mallory.send("POST", "/api/v1/namespaces/team-a/configmaps",
                    "application/x-www-form-urlencoded", form), 403);
            String mine = "/api/v1/namespaces/team-a/configmaps/mine";
            String before = admin.get(mine).path("metadata").path("resourceVersion").asString();
            RawHttps.Response put = carol.send("PUT", mine, "application/x-www-form-urlencoded",
                    "watch=1&dryRun=All&data=x");
            assertStatus(put, 415);
            assertThat(admin.get(mine).path("metadata").path("resourceVersion").asString()).isEqualTo(before);
        }
    }

    /**
     * Bodies are decoded only for a request that was authorized: a CRD whose schema misspells keywords and a
     * ConfigMap with thousands of unknown fields, sent by users who may not write them (POST, PUT, merge PATCH,
     * with and without {@code fieldValidation=Strict}, and POST in every odd spelling of the collection's path),
     * draw a refusal and no Warning naming a field, and change nothing.
     */
    @Test
    void unknownFieldsOfABodyAreNeverLookedAtBeforeAuthorization() throws Exception {
        String crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
        String crd = """
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"ws.sec.kapi.dev"},
                 "spec":{"group":"sec.kapi.dev","scope":"Namespaced","names":{"plural":"ws","kind":"W"},
                   "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object",
                     "typo":1,"properties":{"spec":{"type":"string","maxLenght":3}}}}}]}}""";
        StringBuilder many = new StringBuilder("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"mine\"}");
        for (int i = 0; i < 3000; i++) {
            many.append(",\"unknownFieldNumber").append(i).append("\":1");
        }
        String cm = many.append('}').toString();
        String cmSmall = cm.substring(0, cm.indexOf(",\"unknownFieldNumber150\"")) + "}";
        Map<String, String> before = admin.snapshot();
        for (User user : User.values()) {
            try (RawHttps client = client(user)) {
                for (String query : List.of("", "?fieldValidation=Strict")) {
                    List<RawHttps.Response> answers = List.of(
                            client.send("POST", crds + query, "application/json", crd),
                            client.send("PUT", crds + "/ws.sec.kapi.dev" + query, "application/json", crd),
                            client.send("PATCH", crds + "/ws.sec.kapi.dev" + query, "application/merge-patch+json", crd),
                            client.send("POST", "/api/v1/namespaces/kube-system/configmaps" + query,
                                    "application/json", cm),
                            client.send("PUT", "/api/v1/namespaces/kube-system/configmaps/mine" + query,
                                    "application/json", cm),
                            client.send("PATCH", "/api/v1/namespaces/kube-system/configmaps/mine" + query,
                                    "application/merge-patch+json", cm));
                    for (RawHttps.Response res : answers) {
                        assertStatus(res, 403);
                        assertThat(res.header("Warning")).as(user + " " + query).isNull();
                        assertThat(res.body()).doesNotContain("unknown field", "maxLenght", "unknownFieldNumber");
                    }
                }
                // the collections in every odd spelling: refused the same way, before any body is decoded (a body
                // small enough to be sent whole where the server refuses a malformed target without reading it)
                for (String[] target : List.of(new String[] {crds, crd},
                        new String[] {"/api/v1/namespaces/kube-system/configmaps", cmSmall})) {
                    for (Spelling spelling : PathSpellings.of(target[0])) {
                        RawHttps.Response res = client.send("POST", spelling.rawPath() + "?fieldValidation=Strict",
                                "application/json", target[1]);
                        assertThat(res.code()).as(user + " " + spelling + ": " + abbreviate(res.body()))
                                .isIn(400, 403, 404, 405);
                        assertThat(res.header("Warning")).as(user + " " + spelling).isNull();
                        assertThat(res.body()).as(user + " " + spelling)
                                .doesNotContain("unknown field", "maxLenght", "unknownFieldNumber");
                    }
                }
            }
        }
        assertThat(admin.snapshot()).isEqualTo(before);
    }

    /**
     * Without {@code --requestheader-client-ca-file} a front proxy's headers name no one: anonymous, mallory, carol
     * and a user of a client certificate from Kapi's own CA, each claiming {@code system:admin} in
     * {@code system:masters} through {@code X-Remote-User}, {@code X-Remote-Group} and {@code X-Remote-Extra-},
     * stay who they are (their SelfSubjectReview says so), read nothing and change nothing.
     */
    @Test
    void frontProxyHeadersNameNoOneWithoutTheFlag() throws Exception {
        Map<String, String> before = admin.snapshot();
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        List<RawHttps> clients = new ArrayList<>();
        for (User user : User.values()) {
            clients.add(client(user));
        }
        clients.add(new RawHttps(TlsClients.sslContext(ca.certificate(), TlsClients.clientCert(ca, "cert-user")),
                port, null));
        List<String> expected = List.of("system:anonymous", "mallory", "carol", "cert-user");
        String review = "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}";
        for (int i = 0; i < clients.size(); i++) {
            try (RawHttps client = clients.get(i)) {
                client.header("X-Remote-User", "system:admin").header("X-Remote-Group", "system:masters")
                        .header("X-Remote-Extra-Scopes", "all");
                RawHttps.Response whoami = client.send("POST",
                        "/apis/authentication.k8s.io/v1/selfsubjectreviews", "application/json", review);
                if (expected.get(i).equals("system:anonymous")) { // system:basic-user is for system:authenticated
                    assertStatus(whoami, 403);
                    assertThat(whoami.body()).contains("User \\\"system:anonymous\\\"");
                } else {
                    assertThat(whoami.code()).as(whoami.body()).isEqualTo(201);
                    JsonNode userInfo = Json.MAPPER.readTree(whoami.body()).path("status").path("userInfo");
                    assertThat(userInfo.path("username").asString()).isEqualTo(expected.get(i));
                    assertThat(userInfo.toString()).doesNotContain("system:masters", "system:admin", "scopes");
                }
                assertForbiddenWithNothingOfTheirs(client, "/api/v1/namespaces/team-a/secrets/s");
                assertStatus(client.send("DELETE", "/api/v1/namespaces/team-b", null, null), 403);
                assertStatus(client.send("POST", "/api/v1/namespaces/kube-system/configmaps", "application/json",
                        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"proxied\"}}"), 403);
            }
        }
        // the same claims with every odd spelling of a Secret's path: a refusal, never the Secret
        try (RawHttps mallory = client(User.MALLORY)) {
            mallory.header("X-Remote-User", "system:admin").header("X-Remote-Group", "system:masters");
            for (Spelling spelling : PathSpellings.of("/api/v1/namespaces/team-a/secrets/s")) {
                RawHttps.Response res = mallory.send("GET", spelling.rawPath(), null, null);
                assertThat(res.code()).as(spelling + ": " + abbreviate(res.body())).isIn(400, 403, 404, 405);
                assertThat(res.body()).as(spelling.toString()).doesNotContain(FOREIGN_DATA.get(2));
            }
        }
        assertThat(admin.snapshot()).isEqualTo(before);
    }

    /**
     * The request deadline runs before authentication: whatever {@code timeout} a request asks for (none, a
     * nanosecond, one that is no duration), a user without rights gets a Status and never data, and no write of
     * theirs lands; a bad {@code timeout} is kube's 400 for anyone.
     */
    @Test
    void aRequestsTimeoutNeverGetsAroundAuthorization() throws Exception {
        String mine = "/api/v1/namespaces/team-a/configmaps/mine";
        String before = admin.get(mine).path("metadata").path("resourceVersion").asString();
        try (RawHttps anonymous = client(User.ANONYMOUS); RawHttps mallory = client(User.MALLORY)) {
            for (RawHttps who : List.of(anonymous, mallory)) {
                for (String timeout : List.of("1ns", "1ms", "0", "-1s", "10m")) {
                    for (String path : List.of(mine, "/api/v1/namespaces/team-a/secrets", "/api/v1/namespaces")) {
                        RawHttps.Response get = who.send("GET", path + "?timeout=" + timeout, null, null);
                        assertThat(get.code()).as(path + " " + get.body()).isIn(401, 403, 504);
                        assertThat(Json.MAPPER.readTree(get.body()).path("kind").asString()).isEqualTo("Status");
                    }
                    RawHttps.Response put = who.send("PUT", mine + "?timeout=" + timeout, "application/json",
                            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"mine\"},"
                                    + "\"data\":{\"x\":\"y\"}}");
                    assertThat(put.code()).as(put.body()).isIn(401, 403, 504);
                }
                assertStatus(who.send("GET", mine + "?timeout=soon", null, null), 400);
                // odd spellings and a body naming another object, each with a deadline
                for (String odd : List.of(mine + ";x", "/api/v1/namespaces/team-a/configmaps%2Fmine",
                        "/api/v1/namespaces/team-a/./configmaps/mine", "//api/v1/namespaces/team-a/configmaps/mine")) {
                    RawHttps.Response res = who.send("GET", odd + "?timeout=1ns", null, null);
                    assertThat(res.code()).as(odd + " " + res.body()).isIn(400, 401, 403, 404, 504);
                    assertThat(Json.MAPPER.readTree(res.body()).path("kind").asString()).isEqualTo("Status");
                }
                RawHttps.Response other = who.send("POST", "/api/v1/namespaces/team-a/configmaps?timeout=1ms",
                        "application/json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":"
                                + "{\"name\":\"mine\",\"namespace\":\"team-b\"}}");
                assertThat(other.code()).as(other.body()).isIn(401, 403, 504);
            }
        }
        assertThat(admin.get(mine).path("metadata").path("resourceVersion").asString()).isEqualTo(before);
    }

    /**
     * As kube, a list or watch whose field selector requires {@code metadata.name=mine} is authorized as a request
     * for {@code mine}: mallory, given list and watch on that one ConfigMap by {@code resourceNames} for this test,
     * lists and watches it and nothing else; without the selector, with another name, a {@code !=}, another
     * namespace, cluster-wide or another resource it stays a 403, and a repeated parameter is read the same way by
     * authorization and the handler (the first).
     */
    @Test
    void aListOrWatchOfOneNameIsAuthorizedForThatNameAndServesOnlyIt() throws Exception {
        admin.create(RBAC + "/namespaces/team-a/roles", """
                {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"watch-mine"},
                 "rules":[{"apiGroups":[""],"resources":["configmaps"],"resourceNames":["mine"],
                           "verbs":["list","watch"]}]}""");
        admin.create(RBAC + "/namespaces/team-a/rolebindings", """
                {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"mallory-watch-mine"},
                 "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"watch-mine"},
                 "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"mallory"}]}""");
        String configMaps = "/api/v1/namespaces/team-a/configmaps";
        try (RawHttps mallory = client(User.MALLORY)) {
            String mineOnly = configMaps + "?fieldSelector=metadata.name%3Dmine";
            await().atMost(Duration.ofSeconds(10)).until(() -> mallory.send("GET", mineOnly, null, null).code() == 200);
            for (String path : List.of(mineOnly, mineOnly + ",metadata.namespace%3Dteam-a",
                    configMaps + "?fieldSelector=metadata.name%3D%3Dmine&resourceVersion=0",
                    mineOnly + "&fieldSelector=metadata.name%3Dtheirs")) {
                RawHttps.Response list = mallory.send("GET", path, null, null);
                assertThat(list.code()).as(path + " " + list.body()).isEqualTo(200);
                assertThat(Json.MAPPER.readTree(list.body()).path("items")).extracting(i -> i.path("metadata")
                        .path("name").asString()).as(path).containsExactly("mine");
                assertThat(list.body()).doesNotContain("THEIRS-DATA");
            }
            // a watch streams (RawHttps keeps no streamed body); its events go through the same selector and name
            assertThat(mallory.send("GET", mineOnly + "&watch=1&timeoutSeconds=1", null, null).code()).isEqualTo(200);
            for (String path : List.of(configMaps, configMaps + "?watch=1&timeoutSeconds=1",
                    configMaps + "?fieldSelector=metadata.name%3Dtheirs",
                    configMaps + "?fieldSelector=metadata.name%21%3Dtheirs",
                    configMaps + "?fieldSelector=metadata.name%3Dtheirs&fieldSelector=metadata.name%3Dmine",
                    configMaps + "?fieldSelector=metadata.name%3Dmine%2Fx",
                    "/api/v1/namespaces/team-b/configmaps?fieldSelector=metadata.name%3Dmine",
                    "/api/v1/configmaps?fieldSelector=metadata.name%3Dmine",
                    "/api/v1/namespaces/team-a/secrets?fieldSelector=metadata.name%3Dmine")) {
                assertForbiddenWithNothingOfTheirs(mallory, path);
            }
        } finally {
            admin.delete(RBAC + "/namespaces/team-a/rolebindings/mallory-watch-mine");
            admin.delete(RBAC + "/namespaces/team-a/roles/watch-mine");
        }
    }

    /**
     * A field selector that pins a cluster-wide list to one namespace, or to one node through the cache's
     * index, narrows only what storage reads: authorization still judges the cluster-wide list, so carol, who
     * may not list anything, gets 403 and no object, from the cache (resourceVersion=0) or not.
     */
    @Test
    void aFieldSelectorNarrowingAClusterWideListDoesNotNarrowItsAuthorization() throws Exception {
        try (RawHttps carol = client(User.CAROL)) {
            for (String path : List.of(
                    "/api/v1/configmaps?fieldSelector=metadata.namespace%3Dteam-a",
                    "/api/v1/configmaps?fieldSelector=metadata.namespace%3Dteam-a&resourceVersion=0",
                    "/api/v1/configmaps?fieldSelector=metadata.namespace=team-a,metadata.name=mine",
                    "/api/v1/pods?fieldSelector=spec.nodeName%3D&resourceVersion=0",
                    "/api/v1/pods?fieldSelector=spec.nodeName%3D&watch=1&timeoutSeconds=1",
                    "/api/v1/configmaps?fieldSelector=metadata.namespace%3Dteam-a&watch=1&sendInitialEvents=true"
                            + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1")) {
                assertForbiddenWithNothingOfTheirs(carol, path);
            }
        }
    }

    /**
     * A list with only a label selector filters on labels read from the stored bytes, not on decoded objects:
     * it runs after the list's authorization like any other, so no selector spelling lets carol (no list on
     * ConfigMaps, Secrets or Pods) list them, in her namespace or across all, from the cache or from storage.
     */
    @Test
    void aLabelSelectorDoesNotNarrowAListsAuthorization() throws Exception {
        try (RawHttps carol = client(User.CAROL)) {
            for (String path : List.of(
                    "/api/v1/namespaces/team-a/configmaps?labelSelector=%21absent",
                    "/api/v1/namespaces/team-a/configmaps?labelSelector=%21absent&resourceVersion=0",
                    "/api/v1/namespaces/team-a/configmaps?labelSelector=%21absent&limit=1",
                    "/api/v1/configmaps?labelSelector=%21absent",
                    "/api/v1/configmaps?labelSelector=k%20notin%20%28x%29&resourceVersion=0",
                    "/api/v1/namespaces/team-a/secrets?labelSelector=%21absent",
                    "/api/v1/pods?labelSelector=%21absent",
                    "/api/v1/namespaces/team-a/configmaps?labelSelector=%21absent&watch=1&timeoutSeconds=1")) {
                RawHttps.Response res = assertForbiddenWithNothingOfTheirs(carol, path);
                for (String foreign : FOREIGN_DATA) {
                    assertThat(res.body()).as(path).doesNotContain(foreign);
                }
            }
        }
    }

    /**
     * Storage's own answers come after authorization: a read at a resourceVersion the store has not reached
     * (kube's 504 with Retry-After) and a list a priming watch cache refuses (429 with Retry-After) are never
     * what carol, who may not read ConfigMaps or Pods, gets instead of her 403, whatever the spelling.
     */
    @Test
    void storageAnswersThatAskForARetryComeOnlyAfterAuthorization() throws Exception {
        try (RawHttps carol = client(User.CAROL)) {
            for (String path : List.of(
                    "/api/v1/namespaces/team-a/configmaps/theirs?resourceVersion=999999999",
                    "/api/v1/namespaces/team-a/configmaps?resourceVersion=999999999",
                    "/api/v1/namespaces/team-a/configmaps?resourceVersion=999999999&resourceVersionMatch=NotOlderThan",
                    "/api/v1/configmaps?resourceVersion=999999999&resourceVersionMatch=Exact&limit=1",
                    "/api/v1/pods?resourceVersion=0&labelSelector=%21absent",
                    "/api/v1/namespaces/team-a/configmaps?resourceVersion=999999999&watch=1&timeoutSeconds=1")) {
                RawHttps.Response res = assertForbiddenWithNothingOfTheirs(carol, path);
                assertThat(res.header("Retry-After")).as(path).isNull();
            }
        }
    }

    /**
     * Anonymous users may read {@code /readyz} (kube's system:public-info-viewer) but not its single checks, such
     * as {@code informer-sync}, in any spelling the health handler would still take for one, by GET or HEAD.
     */
    @Test
    void aSingleReadinessCheckIsNotPublicInAnySpelling() throws Exception {
        try (RawHttps anonymous = client(User.ANONYMOUS)) {
            assertThat(anonymous.send("GET", "/readyz", null, null).code()).isEqualTo(200);
            List<String> served = new ArrayList<>();
            for (String path : List.of("/readyz/informer-sync", "/readyz/etcd", "//readyz/informer-sync",
                    "///readyz/informer-sync", "/readyz//informer-sync", "/readyz/./informer-sync",
                    "/./readyz/informer-sync", "/readyz/%69nformer-sync", "/readyz%2Finformer-sync",
                    "/readyz%2finformer-sync", "/%72eadyz/informer-sync", "/readyz;x/informer-sync",
                    "/readyz/informer-sync;x", "/livez/../readyz/informer-sync", "/readyz/informer-sync/",
                    "/readyz/informer-sync?verbose", "/READYZ/informer-sync",
                    "/readyz/poststarthook/crd-informer-synced", "/readyz/poststarthook%2Fcrd-informer-synced",
                    "/readyz/poststarthook//crd-informer-synced", "/readyz/poststarthook/./crd-informer-synced",
                    "/readyz/poststarthook/%63rd-informer-synced")) {
                for (String method : List.of("GET", "HEAD")) { // the health handler answers both
                    RawHttps.Response res = anonymous.send(method, path, null, null);
                    if (res.code() == 200 || res.code() == 500) { // 500: the check itself answered, failed
                        served.add(method + " " + path + ": " + res.code() + " " + res.body());
                    }
                }
            }
            assertThat(served).isEmpty();
        }
    }

    /**
     * Client certificates are checked by the TLS context built from the serving key store (rebuilt for start-up
     * speed on 2026-12-06): one issued by another CA that names {@code system:admin} in {@code system:masters} is
     * a 401 on every protected path. {@code /metrics}, which now carries the storage's size too, gives nothing to
     * such a client nor to the table's users, in any spelling, by GET, HEAD or POST.
     */
    @Test
    void aForeignCaCannotVouchForAClientAndMetricsStayClosed() throws Exception {
        Certificates.Issued foreignCa = Certificates.selfSignedCa("foreign-ca", Duration.ofDays(1));
        SSLContext forged = TlsClients.sslContext(TlsClients.ca(DATA_DIR).certificate(),
                TlsClients.clientCert(foreignCa, "system:admin", "system:masters"));
        List<String> metrics = List.of("/metrics", "/metrics/", "//metrics", "/./metrics", "/%6detrics",
                "/metrics?x=1", "/metrics/../metrics", "/metrics;x", "/api/../metrics", "/metrics%2F");
        List<String> served = new ArrayList<>();
        try (RawHttps foreign = new RawHttps(forged, port, null)) {
            for (String path : List.of("/api/v1/namespaces", "/api/v1/namespaces/team-a/secrets/s",
                    "/api/v1/namespaces/team-a/configmaps/theirs", "/apis/rbac.authorization.k8s.io/v1/clusterroles")) {
                RawHttps.Response res = foreign.send("GET", path, null, null);
                assertStatus(res, 401);
                assertThat(res.body()).as(path).doesNotContain("THEIRS-DATA").doesNotContain(FOREIGN_DATA.get(2));
            }
            collectMetricsServed(foreign, "foreign CA", metrics, served);
        }
        for (User user : User.values()) {
            try (RawHttps client = client(user)) {
                collectMetricsServed(client, user.name(), metrics, served);
            }
        }
        assertThat(served).isEmpty();
    }

    private static void collectMetricsServed(RawHttps client, String who, List<String> paths, List<String> served)
            throws IOException {
        for (String path : paths) {
            for (String method : List.of("GET", "HEAD", "POST")) {
                RawHttps.Response res = client.send(method, path, "POST".equals(method) ? "text/plain" : null,
                        "POST".equals(method) ? "" : null);
                if (res.code() < 400 || res.body().contains("apiserver_") || res.body().contains("jvm_")) {
                    served.add(who + " " + method + " " + path + ": " + res.code());
                }
            }
        }
    }

    /** carol's GET of {@code path} is a 403 holding nothing of another user's objects. */
    private static RawHttps.Response assertForbiddenWithNothingOfTheirs(RawHttps carol, String path) throws Exception {
        RawHttps.Response res = carol.send("GET", path, null, null);
        assertStatus(res, 403);
        assertThat(res.body()).as(path).doesNotContain(MINE_DATA).doesNotContain("THEIRS-DATA")
                .doesNotContain("theirs-pod");
        return res;
    }

    /**
     * carol may update and patch gadget {@code mine-gadget} in team-a and nothing else: a body that names another
     * gadget, another namespace, or another kind than her URL is a 400 for PUT, merge patch and apply alike, and
     * every custom object stays as it was.
     */
    @Test
    void aCustomResourceBodyCannotReachAnObjectItsUrlDoesNotName() throws Exception {
        String mine = CUSTOM + "/namespaces/team-a/gadgets/mine-gadget";
        Map<String, String> before = admin.snapshot();
        try (RawHttps carol = client(User.CAROL)) {
            for (String metadata : List.of("{\"name\":\"theirs-gadget\"}", "{\"name\":\"created-by-carol\"}",
                    "{\"name\":\"mine-gadget\",\"namespace\":\"team-b\"}")) {
                String body = "{\"apiVersion\":\"" + CUSTOM_API + "\",\"kind\":\"Gadget\",\"metadata\":" + metadata
                        + ",\"data\":\"pwned\"}";
                assertStatus(carol.send("PUT", mine, "application/json", body), 400);
                assertStatus(carol.send("PATCH", mine, "application/merge-patch+json", body), 400);
                assertStatus(carol.send("PATCH", mine + "?fieldManager=carol&force=true", "application/apply-patch+yaml",
                        body), 400);
            }
            for (String typeMeta : List.of("\"apiVersion\":\"" + CUSTOM_API + "\",\"kind\":\"Knob\"",
                    "\"apiVersion\":\"v1\",\"kind\":\"Secret\"")) {
                assertStatus(carol.send("PUT", mine, "application/json", "{" + typeMeta
                        + ",\"metadata\":{\"name\":\"mine-gadget\"},\"data\":\"pwned\"}"), 400);
            }
            // strategic merge patch is not served for custom resources at all (kube's 415), before any body is read
            assertStatus(carol.send("PATCH", mine, "application/strategic-merge-patch+json", "{\"data\":\"x\"}"), 415);
            assertStatus(carol.send("PATCH", CUSTOM + "/namespaces/team-a/gadgets/theirs-gadget",
                    "application/strategic-merge-patch+json", "{\"data\":\"x\"}"), 403);
        }
        assertThat(admin.snapshot()).isEqualTo(before);
        assertThat(admin.code(CUSTOM + "/namespaces/team-a/gadgets/created-by-carol")).isEqualTo(404);
    }

    /**
     * A CRD (only an admin may create one) that asks for a built-in resource's names, or another CRD's, is not
     * accepted: the built-in Role and the first gadgets stay what their paths serve, so no CRD can put itself
     * between a user and objects RBAC guards by their own resource name.
     */
    @Test
    void aCrdCannotTakeOverABuiltInOrAnotherCrdsPath() throws Exception {
        String crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
        admin.create(crds, """
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"roles.rbac.authorization.k8s.io",
                   "annotations":{"api-approved.kubernetes.io":"unapproved, a takeover attempt"}},
                 "spec":{"group":"rbac.authorization.k8s.io","scope":"Namespaced",
                   "names":{"plural":"roles","singular":"role","kind":"Role","listKind":"RoleList"},
                   "versions":[{"name":"v1","served":true,"storage":true,
                     "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}""");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (JsonNode c : admin.get(crds + "/roles.rbac.authorization.k8s.io").path("status").path("conditions")) {
                if (c.path("type").asString().equals("NamesAccepted")) {
                    return c.path("status").asString().equals("False")
                            && c.path("message").asString().equals("\"RoleList\" is already in use");
                }
            }
            return false;
        });
        JsonNode role = admin.get(RBAC + "/namespaces/team-a/roles/narrow");
        assertThat(role.path("kind").asString()).isEqualTo("Role");
        assertThat(role.path("rules").size()).isGreaterThan(0);
        try (RawHttps carol = client(User.CAROL)) {
            assertStatus(carol.send("GET", RBAC + "/namespaces/team-a/roles/narrow", null, null), 403);
        }
        assertThat(http(admin).send("DELETE", crds + "/roles.rbac.authorization.k8s.io", null, null).code())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.code(crds + "/roles.rbac.authorization.k8s.io") == 404);
        assertThat(admin.get(RBAC + "/namespaces/team-a/roles/narrow").path("kind").asString()).isEqualTo("Role");
    }

    /**
     * carol may evict pod {@code mine-pod} in team-a and nothing else: an eviction body naming another pod, or
     * another namespace, is a 400 and evicts nothing, whatever RBAC allowed for the URL.
     */
    @Test
    void anEvictionBodyCannotReachAPodItsUrlDoesNotName() throws Exception {
        try (RawHttps carol = client(User.CAROL)) {
            String url = "/api/v1/namespaces/team-a/pods/mine-pod/eviction";
            RawHttps.Response otherPod = carol.send("POST", url, "application/json",
                    eviction("{\"name\":\"theirs-pod\"}"));
            assertStatus(otherPod, 400);
            assertThat(Json.MAPPER.readTree(otherPod.body()).path("message").asString())
                    .isEqualTo("name in URL does not match name in Eviction object");
            RawHttps.Response otherNamespace = carol.send("POST", url, "application/json",
                    eviction("{\"name\":\"mine-pod\",\"namespace\":\"team-b\"}"));
            assertStatus(otherNamespace, 400);
            assertThat(Json.MAPPER.readTree(otherNamespace.body()).path("message").asString()).isEqualTo(
                    "the namespace of the provided object does not match the namespace sent on the request");
            assertStatus(carol.send("POST", "/api/v1/namespaces/team-a/pods/theirs-pod/eviction", "application/json",
                    eviction("{\"name\":\"theirs-pod\"}")), 403);
            assertStatus(carol.send("POST", "/api/v1/namespaces/team-b/pods/mine-pod/eviction", "application/json",
                    eviction("{\"name\":\"mine-pod\"}")), 403);
            for (String pod : List.of("team-a/pods/mine-pod", "team-a/pods/theirs-pod", "team-b/pods/mine-pod")) {
                JsonNode meta = admin.get("/api/v1/namespaces/" + pod).path("metadata");
                assertThat(meta.path("name").isMissingNode()).as(pod + " is still there").isFalse();
                assertThat(meta.has("deletionTimestamp")).as(pod + " is not being deleted").isFalse();
            }
        }
    }

    /**
     * carol may bind pod {@code mine-pod} in team-a ({@code create} on {@code pods/binding} for that name) and
     * nothing else: a Binding posted to its URL whose body names another pod or another namespace is a 400
     * (kube's BindingREST), and kube's {@code bindings} resource, whose URL names no pod, needs {@code create}
     * on {@code bindings}, which she has not: 403 whatever pod the body names. No pod is bound by any of it; the
     * same Binding naming {@code mine-pod}, as a dry run, shows her rule does let the right body through.
     */
    @Test
    void aBindingBodyCannotReachAPodItsUrlDoesNotName() throws Exception {
        List<String> pods = List.of("team-a/pods/mine-pod", "team-a/pods/theirs-pod", "team-b/pods/mine-pod");
        Map<String, String> versions = new HashMap<>();
        for (String pod : pods) {
            versions.put(pod, admin.get("/api/v1/namespaces/" + pod).path("metadata").path("resourceVersion")
                    .asString());
        }
        try (RawHttps carol = client(User.CAROL)) {
            String url = "/api/v1/namespaces/team-a/pods/mine-pod/binding";
            RawHttps.Response otherPod = carol.send("POST", url, "application/json", binding("{\"name\":\"theirs-pod\"}"));
            assertStatus(otherPod, 400);
            assertThat(Json.MAPPER.readTree(otherPod.body()).path("message").asString())
                    .isEqualTo("name in URL does not match name in Binding object");
            RawHttps.Response otherNamespace = carol.send("POST", url, "application/json",
                    binding("{\"name\":\"mine-pod\",\"namespace\":\"team-b\"}"));
            assertStatus(otherNamespace, 400);
            assertThat(Json.MAPPER.readTree(otherNamespace.body()).path("message").asString()).isEqualTo(
                    "the namespace of the provided object does not match the namespace sent on the request");
            for (String name : List.of("theirs-pod", "mine-pod")) {
                RawHttps.Response bindings = carol.send("POST", "/api/v1/namespaces/team-a/bindings",
                        "application/json", binding("{\"name\":\"" + name + "\"}"));
                assertStatus(bindings, 403);
                assertThat(Json.MAPPER.readTree(bindings.body()).path("message").asString()).isEqualTo(
                        "bindings is forbidden: User \"carol\" cannot create resource \"bindings\" in API group \"\" "
                                + "in the namespace \"team-a\"");
            }
            assertStatus(carol.send("POST", "/api/v1/namespaces/team-a/pods/theirs-pod/binding", "application/json",
                    binding("{\"name\":\"theirs-pod\"}")), 403);
            assertStatus(carol.send("POST", "/api/v1/namespaces/team-b/pods/mine-pod/binding", "application/json",
                    binding("{\"name\":\"mine-pod\"}")), 403);
            RawHttps.Response allowed = carol.send("POST", url + "?dryRun=All", "application/json",
                    binding("{\"name\":\"mine-pod\"}"));
            assertThat(allowed.code()).as(allowed.body()).isEqualTo(201);
        }
        for (String pod : pods) {
            JsonNode meta = admin.get("/api/v1/namespaces/" + pod).path("metadata");
            assertThat(meta.path("resourceVersion").asString()).as(pod + " is unchanged").isEqualTo(versions.get(pod));
            assertThat(admin.get("/api/v1/namespaces/" + pod).path("spec").has("nodeName")).as(pod + " is not bound")
                    .isFalse();
        }
    }

    /**
     * {@code pods/ephemeralcontainers} is authorized as a resource of its own: dave, who may get, patch and update
     * pods, may not read or write it (403 for get, patch and update, the debug container not added), and erin, who
     * may get, patch and update only it for pod {@code debug-pod}, changes nothing else of that pod through it
     * (labels, image, deadline and status of her body are dropped), nothing of another pod, and nothing through
     * the pod itself; a stale resourceVersion is a 409 as for any update.
     */
    @Test
    void ephemeralContainersAreAuthorizedAsTheirOwnResourceAndChangeNothingElse() throws Exception {
        String pods = "/api/v1/namespaces/team-a/pods";
        String debugPod = pods + "/debug-pod";
        admin.create(pods, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"debug-pod\","
                + "\"labels\":{\"app\":\"a\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1\"}]}}");
        admin.create(RBAC + "/namespaces/team-a/roles", """
                {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"debuggers"},
                 "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get","patch","update"]}]}""");
        admin.create(RBAC + "/namespaces/team-a/roles", """
                {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"ephemeral-only"},
                 "rules":[{"apiGroups":[""],"resources":["pods/ephemeralcontainers"],"resourceNames":["debug-pod"],
                           "verbs":["get","patch","update"]}]}""");
        for (String[] binding : new String[][] {{"dave", "debuggers"}, {"erin", "ephemeral-only"}}) {
            admin.create(RBAC + "/namespaces/team-a/rolebindings", """
                    {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"%1$s"},
                     "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"%2$s"},
                     "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"%1$s"}]}"""
                    .formatted(binding[0], binding[1]));
        }
        String addDebugger = "{\"spec\":{\"ephemeralContainers\":[{\"name\":\"debugger\",\"image\":\"busybox\"}]}}";
        String strategic = "application/strategic-merge-patch+json";
        try (RawHttps dave = new RawHttps(ssl(false), port, DAVE_TOKEN);
             RawHttps erin = new RawHttps(ssl(false), port, ERIN_TOKEN)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> dave.send("GET", debugPod, null, null).code() == 200
                    && erin.send("GET", debugPod + "/ephemeralcontainers", null, null).code() == 200);
            String version = admin.get(debugPod).path("metadata").path("resourceVersion").asString();
            for (String[] verb : new String[][] {{"GET", "get"}, {"PATCH", "patch"}, {"PUT", "update"}}) {
                String body = verb[0].equals("GET") ? null : verb[0].equals("PATCH") ? addDebugger
                        : admin.http.send("GET", debugPod, null, null).body().replace("\"containers\"",
                        "\"ephemeralContainers\":[{\"name\":\"debugger\",\"image\":\"busybox\"}],\"containers\"");
                RawHttps.Response res = dave.send(verb[0], debugPod + "/ephemeralcontainers",
                        verb[0].equals("PATCH") ? strategic : body == null ? null : "application/json", body);
                assertStatus(res, 403);
                assertThat(Json.MAPPER.readTree(res.body()).path("message").asString()).isEqualTo(
                        "pods \"debug-pod\" is forbidden: User \"dave\" cannot " + verb[1] + " resource "
                                + "\"pods/ephemeralcontainers\" in API group \"\" in the namespace \"team-a\"");
            }
            assertThat(admin.get(debugPod).path("metadata").path("resourceVersion").asString()).isEqualTo(version);

            assertStatus(erin.send("PATCH", debugPod, strategic, addDebugger), 403);
            assertStatus(erin.send("PATCH", pods + "/theirs-pod/ephemeralcontainers", strategic, addDebugger), 403);
            assertStatus(erin.send("PATCH", debugPod + "/status", strategic, "{\"status\":{\"phase\":\"Failed\"}}"),
                    403);
            RawHttps.Response stale = erin.send("PATCH", debugPod + "/ephemeralcontainers", strategic,
                    "{\"metadata\":{\"resourceVersion\":\"1\"}," + addDebugger.substring(1));
            assertStatus(stale, 409);
            assertThat(admin.get(debugPod).path("metadata").path("resourceVersion").asString()).isEqualTo(version);

            // odd spellings of the subresource never reach it for a user without it, and a body naming another pod
            // or namespace changes only the URL's pod, or nothing
            for (String odd : new String[]{debugPod + "/ephemeralcontainers/", debugPod + "/ephemeralcontainers;x",
                    debugPod + "/./ephemeralcontainers", debugPod.replace("/pods/", "//pods/") + "/ephemeralcontainers",
                    debugPod + "%2Fephemeralcontainers", pods + "/theirs-pod%2Fephemeralcontainers"}) {
                RawHttps.Response res = dave.send("PATCH", odd, strategic, addDebugger);
                assertThat(res.code()).as(odd + ": " + res.body()).isIn(400, 403, 404, 405);
            }
            RawHttps.Response otherBody = erin.send("PATCH", debugPod + "/ephemeralcontainers", strategic,
                    "{\"metadata\":{\"name\":\"theirs-pod\",\"namespace\":\"other\"}," + addDebugger.substring(1));
            assertThat(otherBody.code()).as(otherBody.body()).isIn(400, 403, 422);
            assertThat(admin.get(debugPod).path("metadata").path("resourceVersion").asString()).isEqualTo(version);
            assertThat(admin.get(pods + "/theirs-pod").path("spec").path("ephemeralContainers").isMissingNode()
                    || admin.get(pods + "/theirs-pod").path("spec").path("ephemeralContainers").isEmpty()).isTrue();

            RawHttps.Response added = erin.send("PATCH", debugPod + "/ephemeralcontainers", strategic,
                    "{\"metadata\":{\"labels\":{\"app\":\"erin\"}},\"spec\":{\"activeDeadlineSeconds\":1,"
                            + "\"containers\":[{\"name\":\"c\",\"image\":\"evil\"}],\"ephemeralContainers\":"
                            + "[{\"name\":\"debugger\",\"image\":\"busybox\"}]},\"status\":{\"phase\":\"Failed\"}}");
            assertThat(added.code()).as(added.body()).isEqualTo(200);
            JsonNode pod = admin.get(debugPod);
            assertThat(pod.path("spec").path("ephemeralContainers").path(0).path("name").asString())
                    .isEqualTo("debugger");
            assertThat(pod.path("metadata").path("labels").path("app").asString()).isEqualTo("a");
            assertThat(pod.path("spec").path("containers").path(0).path("image").asString()).isEqualTo("nginx:1");
            assertThat(pod.path("spec").has("activeDeadlineSeconds")).isFalse();
            assertThat(pod.path("status").path("phase").asString()).isEqualTo("Pending");

            RawHttps.Response removed = erin.send("PATCH", debugPod + "/ephemeralcontainers", "application/merge-patch+json",
                    "{\"spec\":{\"ephemeralContainers\":[]}}");
            assertStatus(removed, 422);
            assertThat(Json.MAPPER.readTree(removed.body()).path("message").asString()).contains(
                    "existing ephemeral containers \"debugger\" may not be removed");
            assertStatus(dave.send("PATCH", debugPod, "application/merge-patch+json",
                    "{\"spec\":{\"ephemeralContainers\":[]}}"), 422);
            assertThat(admin.get(debugPod).path("spec").path("ephemeralContainers").size()).isEqualTo(1);
        } finally {
            admin.http.send("DELETE", debugPod + "?gracePeriodSeconds=0", null, null);
        }
    }

    /**
     * An ephemeral container cannot name a secret that the pod's service account keeps it from (kube's
     * ServiceAccount admission on {@code pods/ephemeralcontainers}, CVE-2024-3177's ground): with an account
     * annotated {@code kubernetes.io/enforce-mountable-secrets: "true"}, a {@code secretKeyRef} or {@code envFrom}
     * of another secret is refused (kube's 500 of a plain admission error) and the pod stays as it was; a secret the
     * account lists is taken. The same holds for any user, the cluster admin included.
     */
    @Test
    void ephemeralContainersMayNotNameSecretsTheAccountKeepsFromThePod() throws Exception {
        String ns = "/api/v1/namespaces/team-a";
        admin.create(ns + "/serviceaccounts", """
                {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"locked",
                 "annotations":{"kubernetes.io/enforce-mountable-secrets":"true"}},"secrets":[{"name":"mine"}],
                 "automountServiceAccountToken":false}""");
        String pod = ns + "/pods/locked-pod";
        admin.create(ns + "/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"locked-pod\"},"
                + "\"spec\":{\"serviceAccountName\":\"locked\",\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1\"}]}}");
        String strategic = "application/strategic-merge-patch+json";
        try {
            String version = admin.get(pod).path("metadata").path("resourceVersion").asString();
            // the last one also names an account that does not enforce: the subresource takes only the ephemeral
            // containers, so the stored pod's account is the one checked
            String container = "{\"name\":\"dbg\",\"image\":\"busybox\",";
            for (String spec : new String[] {
                    "\"ephemeralContainers\":[" + container
                            + "\"env\":[{\"name\":\"E\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"other\",\"key\":\"k\"}}}]}]",
                    "\"ephemeralContainers\":[" + container + "\"envFrom\":[{\"secretRef\":{\"name\":\"other\"}}]}]",
                    "\"serviceAccountName\":\"default\",\"ephemeralContainers\":[" + container
                            + "\"envFrom\":[{\"secretRef\":{\"name\":\"other\"}}]}]"}) {
                RawHttps.Response res = admin.http.send("PATCH", pod + "/ephemeralcontainers", strategic,
                        "{\"spec\":{" + spec + "}}");
                assertStatus(res, 500);
                assertThat(Json.MAPPER.readTree(res.body()).path("message").asString()).startsWith(
                        "ephemeral container dbg with env").endsWith("referencing secret.secretName=\"other\" is not"
                        + " allowed because service account locked does not reference that secret");
            }
            assertThat(admin.get(pod).path("metadata").path("resourceVersion").asString()).isEqualTo(version);
            RawHttps.Response allowed = admin.http.send("PATCH", pod + "/ephemeralcontainers", strategic,
                    "{\"spec\":{\"ephemeralContainers\":[{\"name\":\"dbg\",\"image\":\"busybox\",\"envFrom\":"
                            + "[{\"secretRef\":{\"name\":\"mine\"}}]}]}}");
            assertThat(allowed.code()).as(allowed.body()).isEqualTo(200);
        } finally {
            admin.http.send("DELETE", pod + "?gracePeriodSeconds=0", null, null);
            admin.http.send("DELETE", ns + "/serviceaccounts/locked", null, null);
        }
    }

    /**
     * The pod subresources are authorized as kube does: {@code get} on {@code pods/log}, and {@code create} on
     * {@code pods/exec}, {@code pods/attach} and {@code pods/portforward} whether the stream is opened by a
     * WebSocket GET or a SPDY POST (kube's AuthorizePodWebsocketUpgradeCreatePermission): carol, who may only
     * {@code get} them on {@code mine-pod}, reads its log and opens no stream on any pod.
     */
    @Test
    void podStreamsNeedCreateAndLogsNeedGet() throws Exception {
        try (RawHttps carol = client(User.CAROL); RawHttps mallory = client(User.MALLORY)) {
            RawHttps.Response log = carol.send("GET", "/api/v1/namespaces/team-a/pods/mine-pod/log", null, null);
            assertThat(log.code()).as(log.body()).isEqualTo(200);
            assertStatus(carol.send("GET", "/api/v1/namespaces/team-a/pods/theirs-pod/log", null, null), 403);
            assertStatus(mallory.send("GET", "/api/v1/namespaces/team-a/pods/mine-pod/log", null, null), 403);
            for (String sub : List.of("exec?command=sh", "attach", "portforward?ports=80")) {
                for (String method : List.of("GET", "POST")) {
                    RawHttps.Response res = carol.send(method, "/api/v1/namespaces/team-a/pods/mine-pod/" + sub,
                            method.equals("POST") ? "application/json" : null, method.equals("POST") ? "" : null);
                    assertStatus(res, 403);
                    String resource = "pods/" + sub.replaceAll("\\?.*", "");
                    assertThat(Json.MAPPER.readTree(res.body()).path("message").asString()).isEqualTo(
                            "pods \"mine-pod\" is forbidden: User \"carol\" cannot create resource \"" + resource
                                    + "\" in API group \"\" in the namespace \"team-a\"");
                    assertStatus(mallory.send(method, "/api/v1/namespaces/team-a/pods/mine-pod/" + sub,
                            method.equals("POST") ? "application/json" : null, method.equals("POST") ? "" : null), 403);
                }
            }
        }
    }

    /**
     * A server-side apply of a missing object creates it, so it needs {@code create} as well as the
     * {@code patch} the request was authorized for (kube's create-on-update check): carol may patch configmap
     * {@code patch-only} but not create it, and may create and patch {@code mine}.
     */
    @Test
    void anApplyCreatesOnlyWithCreatePermission() throws Exception {
        String patchOnly = "/api/v1/namespaces/team-a/configmaps/patch-only";
        try (RawHttps carol = client(User.CAROL)) {
            RawHttps.Response create = carol.send("PATCH", patchOnly + "?fieldManager=carol",
                    "application/apply-patch+yaml", configMap("patch-only", "x"));
            assertStatus(create, 403);
            assertThat(Json.MAPPER.readTree(create.body()).path("message").asString()).isEqualTo(
                    "configmaps \"patch-only\" is forbidden: User \"carol\" cannot create resource \"configmaps\" in "
                            + "API group \"\" in the namespace \"team-a\"");
            assertThat(admin.code(patchOnly)).isEqualTo(404);
            assertStatus(carol.send("PATCH", patchOnly + "?fieldManager=carol&dryRun=All",
                    "application/apply-patch+yaml", configMap("patch-only", "x")), 403);

            admin.create("/api/v1/namespaces/team-a/configmaps", configMap("patch-only", "before"));
            RawHttps.Response update = carol.send("PATCH", patchOnly + "?fieldManager=carol&force=true",
                    "application/apply-patch+yaml", configMap("patch-only", "after"));
            assertThat(update.code()).as(update.body()).isEqualTo(200);
            assertThat(admin.get(patchOnly).path("data").path("k").asString()).isEqualTo("after");

            admin.http.send("DELETE", "/api/v1/namespaces/team-a/configmaps/mine", null, null);
            RawHttps.Response mine = carol.send("PATCH", "/api/v1/namespaces/team-a/configmaps/mine?fieldManager=carol",
                    "application/apply-patch+yaml", configMap("mine", MINE_DATA));
            assertThat(mine.code()).as(mine.body()).isEqualTo(201);
        } finally {
            admin.http.send("DELETE", patchOnly, null, null);
            admin.restoreMine();
        }
    }

    /**
     * A PUT of a missing object of a resource kube creates on update (endpoints, services, events, RBAC, ...)
     * creates it, so it needs {@code create} as well as the {@code update} the request was authorized for: carol
     * may update endpoints {@code update-only} but not create it, and may create and update {@code mine-ep}; a PUT
     * of a missing configmap (not created on update) stays a 404 whatever she may do.
     */
    @Test
    void aPutCreatesOnlyWithCreatePermission() throws Exception {
        String updateOnly = "/api/v1/namespaces/team-a/endpoints/update-only";
        String mineEp = "/api/v1/namespaces/team-a/endpoints/mine-ep";
        try (RawHttps carol = client(User.CAROL)) {
            RawHttps.Response create = carol.send("PUT", updateOnly, "application/json", endpoints("update-only"));
            assertStatus(create, 403);
            assertThat(Json.MAPPER.readTree(create.body()).path("message").asString()).isEqualTo(
                    "endpoints \"update-only\" is forbidden: User \"carol\" cannot create resource \"endpoints\" in "
                            + "API group \"\" in the namespace \"team-a\"");
            assertStatus(carol.send("PUT", updateOnly + "?dryRun=All", "application/json", endpoints("update-only")),
                    403);
            assertThat(admin.code(updateOnly)).isEqualTo(404);

            // a body that disagrees with the URL she may create at creates nothing, neither its name nor elsewhere
            assertStatus(carol.send("PUT", mineEp, "application/json", endpoints("update-only")), 400);
            assertStatus(carol.send("PUT", mineEp, "application/json", endpoints("mine-ep")
                    .replace("\"name\":\"mine-ep\"", "\"name\":\"mine-ep\",\"namespace\":\"team-b\"")), 400);
            assertThat(admin.code(updateOnly)).isEqualTo(404);
            assertThat(admin.code(mineEp)).isEqualTo(404);
            assertThat(admin.code("/api/v1/namespaces/team-b/endpoints/mine-ep")).isEqualTo(404);

            RawHttps.Response mine = carol.send("PUT", mineEp, "application/json", endpoints("mine-ep"));
            assertThat(mine.code()).as(mine.body()).isEqualTo(201);
            assertThat(admin.code(mineEp)).isEqualTo(200);
            RawHttps.Response again = carol.send("PUT", mineEp, "application/json", endpoints("mine-ep"));
            assertThat(again.code()).as("an update now").isEqualTo(200);

            admin.http.send("DELETE", "/api/v1/namespaces/team-a/configmaps/mine", null, null);
            assertStatus(carol.send("PUT", "/api/v1/namespaces/team-a/configmaps/mine", "application/json",
                    configMap("mine", MINE_DATA)), 404);
        } finally {
            admin.http.send("DELETE", mineEp, null, null);
            admin.restoreMine();
        }
    }

    private static String endpoints(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"subsets\":[{\"addresses\":[{\"ip\":\"10.0.0.1\"}],\"ports\":[{\"port\":80}]}]}";
    }

    /**
     * An apply body that names another object, or another namespace, than the URL carol may patch is a 400 and
     * changes nothing, also when the object it names does not exist (the apply would create it).
     */
    @Test
    void anApplyBodyCannotReachAnObjectItsUrlDoesNotName() throws Exception {
        String mine = "/api/v1/namespaces/team-a/configmaps/mine?fieldManager=carol&force=true";
        try (RawHttps carol = client(User.CAROL)) {
            for (String metadata : List.of("{\"name\":\"theirs\"}", "{\"name\":\"created-by-carol\"}",
                    "{\"name\":\"mine\",\"namespace\":\"team-b\"}")) {
                RawHttps.Response res = carol.send("PATCH", mine, "application/apply-patch+yaml",
                        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":" + metadata
                                + ",\"data\":{\"k\":\"pwned\"}}");
                assertStatus(res, 400);
            }
            assertThat(admin.get("/api/v1/namespaces/team-a/configmaps/theirs").path("data").path("k").asString())
                    .isEqualTo("THEIRS-DATA");
            assertThat(admin.get("/api/v1/namespaces/team-a/configmaps/mine").path("data").path("k").asString())
                    .isEqualTo(MINE_DATA);
            assertThat(admin.code("/api/v1/namespaces/team-a/configmaps/created-by-carol")).isEqualTo(404);
            assertThat(admin.code("/api/v1/namespaces/team-b/configmaps/mine")).isEqualTo(404);
        }
    }

    private static String binding(String metadata) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":" + metadata
                + ",\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"node-1\"}}";
    }

    private static String eviction(String metadata) {
        return "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":" + metadata + "}";
    }

    enum Verb {
        GET("GET", ""), WATCH("GET", "?watch=1&timeoutSeconds=1"), CREATE("POST", ""), UPDATE("PUT", ""),
        PATCH("PATCH", ""), APPLY("PATCH", "?fieldManager=pwn&force=true"), DELETE("DELETE", ""),
        // reads the watch cache answers from memory: they are authorized like any other
        CACHED_GET("GET", "?resourceVersion=0"),
        WATCH_LIST("GET", "?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
                + "&allowWatchBookmarks=true&timeoutSeconds=1");

        final String method;
        final String query;

        Verb(String method, String query) {
            this.method = method;
            this.query = query;
        }

        boolean writes() {
            return !method.equals("GET");
        }
    }

    record Case(Target target, Spelling spelling, Verb verb) {
        @Override
        public String toString() {
            return verb + " " + spelling;
        }
    }

    /** Sends one request of the table; returns what is wrong with the answer, or null. */
    private static String check(User user, RawHttps client, Case c) throws IOException {
        Target target = c.target();
        Verb verb = c.verb();
        String contentType = verb == Verb.PATCH ? "application/merge-patch+json"
                : verb == Verb.APPLY ? "application/apply-patch+yaml" : "application/json";
        String body = switch (verb) {
            case CREATE -> objectBody(target, "pwned");
            case UPDATE, APPLY -> objectBody(target, target.collection() ? "pwned" : target.name());
            case PATCH -> "{\"metadata\":{\"labels\":{\"pwned\":\"1\"}}}";
            default -> null;
        };
        RawHttps.Response res = client.send(verb.method, c.spelling().rawPath() + verb.query,
                body == null ? null : contentType, body);
        return judge(user, verb, res);
    }

    /** What is wrong with an answer to {@code user}, or null. */
    private static String judge(User user, Verb verb, RawHttps.Response res) {
        int code = res.code();
        if (code / 100 == 2) {
            return user == User.CAROL && carolMay(verb, res) ? null : code + " " + abbreviate(res.body());
        }
        for (String data : FOREIGN_DATA) {
            if (res.body().contains(data)) {
                return code + " carries data the user may not read: " + abbreviate(res.body());
            }
        }
        if (user != User.CAROL && res.body().contains(MINE_DATA)) {
            return code + " carries data the user may not read: " + abbreviate(res.body());
        }
        Set<Integer> expected = user == User.CAROL ? Set.of(400, 403, 404, 405, 409, 422) : Set.of(400, 403, 404, 405);
        if (!expected.contains(code)) {
            return "unexpected " + code + " " + abbreviate(res.body());
        }
        try {
            JsonNode status = Json.MAPPER.readTree(res.body());
            if (!status.path("kind").asString().equals("Status") || status.path("code").asInt() != code
                    || !String.valueOf(res.header("content-type")).startsWith("application/json")) {
                return code + " is not a Status: " + abbreviate(res.body());
            }
        } catch (RuntimeException e) {
            return code + " is not JSON: " + abbreviate(res.body());
        }
        return null;
    }

    /** carol may get, update, patch and delete configmap team-a/mine, and get namespace team-a. */
    private static boolean carolMay(Verb verb, RawHttps.Response res) {
        if (verb == Verb.WATCH || verb == Verb.WATCH_LIST || verb == Verb.CREATE) {
            return false;
        }
        JsonNode obj = Json.MAPPER.readTree(res.body());
        String kind = obj.path("kind").asString();
        JsonNode meta = obj.path("metadata");
        boolean mine = kind.equals("ConfigMap") && meta.path("namespace").asString().equals("team-a")
                && meta.path("name").asString().equals("mine");
        boolean deletedMine = verb == Verb.DELETE && kind.equals("Status")
                && obj.path("details").path("name").asString().equals("mine");
        boolean teamA = (verb == Verb.GET || verb == Verb.CACHED_GET) && kind.equals("Namespace") && meta.path("name").asString().equals("team-a");
        return mine || deletedMine || teamA;
    }

    private static String objectBody(Target target, String name) {
        String ns = target.namespace() == null ? "" : ",\"namespace\":\"" + target.namespace() + "\"";
        String payload = switch (target.kind()) {
            case "ConfigMap", "Secret" -> ",\"data\":{\"pwned\":\"cHduZWQ=\"}";
            case "Role" -> ",\"rules\":[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}]";
            case "ValidatingAdmissionPolicy" -> ",\"spec\":{\"matchConstraints\":{\"resourceRules\":[{\"operations\":"
                    + "[\"*\"],\"apiGroups\":[\"*\"],\"apiVersions\":[\"*\"],\"resources\":[\"*\"]}]},"
                    + "\"validations\":[{\"expression\":\"false\"}]}";
            default -> "";
        };
        return "{\"apiVersion\":\"" + target.apiVersion() + "\",\"kind\":\"" + target.kind()
                + "\",\"metadata\":{\"name\":\"" + name + "\"" + ns + ",\"labels\":{\"pwned\":\"1\"}}" + payload + "}";
    }

    static String configMap(String name, String data) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\"},\"data\":{\"k\":\"" + data + "\"}}";
    }

    /**
     * Request metrics are labelled by group, resource and subresource, and the server keeps a counter and a timer
     * per label set for its lifetime: a path a client makes up, in any spelling, by any user (refused, or answered
     * 404 or 400), must add no label set, or each made-up name would be memory held for good.
     */
    @Test
    void madeUpPathsInAnySpellingAddNoRequestMetricSeries() throws Exception {
        Set<String> before = requestSeries();
        List<String> madeUp = List.of("/apis/made.up.example/v1/namespaces/team-a/widgets/w",
                "/api/v1/namespaces/team-a/madeupthings/x", "/api/v1/namespaces/team-a/configmaps/mine/madeupsub",
                CUSTOM + "/namespaces/team-a/madeupgadgets/g");
        List<RawHttps> clients = new ArrayList<>(List.of(http(admin)));
        for (User user : User.values()) {
            clients.add(client(user));
        }
        for (String path : madeUp) {
            for (Spelling spelling : PathSpellings.of(path)) {
                for (RawHttps client : clients) {
                    client.send("GET", spelling.rawPath(), null, null);
                    client.send("PUT", spelling.rawPath(), "application/json", "{}");
                }
            }
        }
        Set<String> added = new TreeSet<>(requestSeries());
        added.removeAll(before);
        // only the 404 series (every path label empty) and this test's own scrapes of /metrics may be new
        assertThat(added).isSubsetOf("group=\"\",resource=\"\",subresource=\"\"",
                "group=\"\",resource=\"\",subresource=\"/metrics\"");
        String metrics = http(admin).send("GET", "/metrics", null, null).body().toLowerCase(Locale.ROOT);
        assertThat(metrics).doesNotContain("made.up").doesNotContain("madeup").doesNotContain("widgets");
    }

    /**
     * A list's items are written by one of several writers, picked by the answer's format (the stored-JSON splice
     * that leaves a built-in kind's item types out, decoded JSON, YAML, a Table with whole objects, a
     * PartialObjectMetadataList, deletecollection's list): the format is chosen only after authorization, so no
     * user without list rights gets a collection's items in any format, path spelling or verb (GET, DELETE), and
     * nothing is deleted.
     */
    @Test
    void noFormatOfAListAnswersWithItemsTheUserMayNotList() throws Exception {
        List<String> accepts = List.of("application/yaml", "application/json;as=Table;v=v1;g=meta.k8s.io",
                "application/yaml;as=Table;v=v1;g=meta.k8s.io",
                "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
                "application/vnd.kubernetes.protobuf, application/json");
        List<String[]> requests = new ArrayList<>();
        for (Target target : TARGETS) {
            if (!target.collection()) {
                continue;
            }
            for (Spelling spelling : PathSpellings.of(target.path())) {
                for (String accept : accepts) {
                    for (String query : List.of("", "?includeObject=Object&resourceVersion=0")) {
                        requests.add(new String[] {"GET", spelling.rawPath() + query, accept});
                        requests.add(new String[] {"DELETE", spelling.rawPath() + query, accept});
                    }
                }
            }
        }
        Map<String, String> before = admin.snapshot();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService workers = Executors.newFixedThreadPool(WORKERS)) {
            for (User user : List.of(User.ANONYMOUS, User.CAROL)) {
                for (int w = 0; w < WORKERS; w++) {
                    int first = w;
                    workers.submit(() -> {
                        try (RawHttps client = client(user)) {
                            for (int i = first; i < requests.size(); i += WORKERS) {
                                String[] r = requests.get(i);
                                RawHttps.Response res = client.send(r[0], r[1], null, null, r[2]);
                                String what = user + " " + r[0] + " " + r[1] + " [" + r[2] + "]";
                                if (res.code() / 100 == 2 || !Set.of(400, 403, 404, 405, 406).contains(res.code())) {
                                    failures.add(what + ": " + res.code() + " " + abbreviate(res.body()));
                                } else if (FOREIGN_DATA.stream().anyMatch(res.body()::contains)
                                        || res.body().contains(MINE_DATA)) {
                                    failures.add(what + ": carries data: " + abbreviate(res.body()));
                                }
                            }
                        } catch (IOException | RuntimeException e) {
                            failures.add("worker failed: " + e);
                        }
                        return null;
                    });
                }
            }
        }
        assertThat(requests).as("requests per user").hasSizeGreaterThan(500);
        assertThat(failures).as(failures.size() + " of " + 2 * requests.size() + " requests").isEmpty();
        assertThat(admin.snapshot()).as("objects after the requests").isEqualTo(before);
    }

    /** The distinct group, resource and subresource labels of {@code apiserver_request_total}. */
    private Set<String> requestSeries() throws IOException {
        RawHttps.Response res = http(admin).send("GET", "/metrics", null, null);
        assertThat(res.code()).isEqualTo(200);
        Set<String> series = new TreeSet<>();
        Matcher m = Pattern.compile("apiserver_request_total\\{[^}]*"
                + "(group=\"[^\"]*\")[^}]*(resource=\"[^\"]*\")[^}]*(subresource=\"[^\"]*\")").matcher(res.body());
        while (m.find()) {
            series.add(m.group(1) + "," + m.group(2) + "," + m.group(3));
        }
        return series;
    }

    private static void assertStatus(RawHttps.Response res, int code) {
        assertThat(res.code()).as(res.body()).isEqualTo(code);
        JsonNode status = Json.MAPPER.readTree(res.body());
        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("code").asInt()).isEqualTo(code);
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private RawHttps client(User user) {
        return switch (user) {
            case ANONYMOUS -> new RawHttps(ssl(false), port, null);
            case MALLORY -> new RawHttps(ssl(false), port, MALLORY_TOKEN);
            case CAROL -> new RawHttps(ssl(false), port, CAROL_TOKEN);
        };
    }

    private static SSLContext ssl(boolean admin) {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        return TlsClients.sslContext(ca.certificate(),
                admin ? TlsClients.clientCert(ca, "system:admin", "system:masters") : null);
    }

    /** The admin's view: fixtures, every object that a request of the table could touch, and {@code mine} restored. */
    private static RawHttps http(Admin admin) {
        return admin.http;
    }

    static final class Admin {
        private static final List<String> LISTS = List.of("/api/v1/namespaces", "/api/v1/configmaps",
                "/api/v1/secrets", "/api/v1/serviceaccounts", RBAC + "/roles", RBAC + "/rolebindings",
                RBAC + "/clusterroles", RBAC + "/clusterrolebindings", CUSTOM + "/gadgets", CUSTOM + "/knobs",
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", ADMISSION + "/validatingwebhookconfigurations",
                ADMISSION + "/mutatingwebhookconfigurations", ADMISSION + "/validatingadmissionpolicies",
                ADMISSION + "/validatingadmissionpolicybindings");
        private final RawHttps http;

        Admin(RawHttps http) {
            this.http = http;
        }

        void create(String path, String body) throws IOException {
            RawHttps.Response res = http.send("POST", path, "application/json", body);
            assertThat(res.code()).as(res.body()).isEqualTo(201);
        }

        JsonNode get(String path) throws IOException {
            return Json.MAPPER.readTree(http.send("GET", path, null, null).body());
        }

        int code(String path) throws IOException {
            return http.send("GET", path, null, null).code();
        }

        void delete(String path) throws IOException {
            RawHttps.Response res = http.send("DELETE", path, null, null);
            assertThat(res.code()).as(res.body()).isEqualTo(200);
        }

        /** Every object of the kinds the table aims at, by resource/namespace/name, with its resourceVersion. */
        Map<String, String> snapshot() throws IOException {
            Map<String, String> objects = new TreeMap<>();
            for (String list : LISTS) {
                for (JsonNode item : get(list).path("items")) {
                    JsonNode meta = item.path("metadata");
                    objects.put(list + "/" + meta.path("namespace").asString("") + "/" + meta.path("name").asString(),
                            meta.path("resourceVersion").asString() + (meta.has("deletionTimestamp") ? " deleting" : ""));
                }
            }
            return objects;
        }

        void restoreMine() throws IOException {
            if (code("/api/v1/namespaces/team-a/configmaps/mine") == 200) {
                http.send("DELETE", "/api/v1/namespaces/team-a/configmaps/mine", null, null);
            }
            create("/api/v1/namespaces/team-a/configmaps", configMap("mine", MINE_DATA));
        }
    }

    private static Path tokenFile() {
        Path file = DATA_DIR.resolve("tokens.csv");
        if (!Files.exists(file)) {
            try {
                Files.writeString(file, MALLORY_TOKEN + ",mallory,1001\n" + CAROL_TOKEN + ",carol,1002\n"
                        + DAVE_TOKEN + ",dave,1003\n" + ERIN_TOKEN + ",erin,1004\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }
}
