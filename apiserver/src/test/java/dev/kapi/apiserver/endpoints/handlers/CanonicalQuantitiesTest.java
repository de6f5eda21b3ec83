package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authz.AuthorizedRequest;
import dev.kapi.apiserver.endpoints.ResourceDispatcher;
import dev.kapi.apiserver.endpoints.Responses;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.Writes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quantities of built-in objects are answered and stored as kube answers them, in canonical form, whatever the
 * write (create in JSON or YAML, merge patch, server-side apply): {@code 0.5} is {@code 500m}, {@code 1000m} is
 * {@code 1}, {@code 2048Mi} is {@code 2Gi}, while kube's parser keeps {@code 1e3} as sent. A re-apply of the same
 * manifest is no change, and a second manager applying the canonical value shares the field (another manager
 * applying {@code 0.5} conflicts: the applied texts are compared, not their values).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CanonicalQuantitiesTest {

    private static final String NS = "qty";
    private static final String PODS = "/api/v1/namespaces/" + NS + "/pods";
    private static final String QUOTAS = "/api/v1/namespaces/" + NS + "/resourcequotas";
    private static final String APPLY = "application/apply-patch+yaml";

    private Storage storage;
    private ResourceDispatcher dispatcher;

    @BeforeAll
    void start(@TempDir Path dir) {
        storage = SqliteStorage.open(dir.resolve("qty.db"));
        dispatcher = new ResourceDispatcher(TestStores.of(storage, "/registry"), Writes.PIPELINE);
    }

    @AfterAll
    void stop() {
        storage.close();
    }

    @Test
    void createdPodComesBackAndIsStoredCanonical() throws Exception {
        String pod = """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},"spec":{"containers":[{"name":"app",
                "image":"nginx","resources":{"requests":{"cpu":"0.5","memory":"1e3","ephemeral-storage":1.5},
                "limits":{"cpu":"1000m","memory":"2048Mi","ephemeral-storage":"0.1Ki"}}}]}}""";
        MockHttpServletResponse res = send("POST", PODS, "application/json", pod);
        assertThat(res.getStatus()).as(res.getContentAsString()).isEqualTo(201);
        for (JsonNode answer : List.of(json(res), json(send("GET", PODS + "/web", null, null)))) {
            JsonNode resources = answer.at("/spec/containers/0/resources");
            assertThat(resources.at("/requests/cpu").asString()).isEqualTo("500m");
            assertThat(resources.at("/requests/memory").asString()).isEqualTo("1e3"); // kept by ParseQuantity
            assertThat(resources.at("/requests/ephemeral-storage").asString()).isEqualTo("1500m");
            assertThat(resources.at("/limits/cpu").asString()).isEqualTo("1");
            assertThat(resources.at("/limits/memory").asString()).isEqualTo("2Gi");
            assertThat(resources.at("/limits/ephemeral-storage").asString()).isEqualTo("102400m");
        }
    }

    @Test
    void quotaFromYamlThenMergePatchIsCanonical() throws Exception {
        String quota = """
                apiVersion: v1
                kind: ResourceQuota
                metadata:
                  name: compute
                spec:
                  hard:
                    requests.cpu: "0.5"
                    limits.memory: 1024Mi
                    pods: "10"
                """;
        MockHttpServletResponse created = send("POST", QUOTAS, "application/yaml", quota);
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(201);
        JsonNode hard = json(created).at("/spec/hard");
        assertThat(hard.path("requests.cpu").asString()).isEqualTo("500m");
        assertThat(hard.path("limits.memory").asString()).isEqualTo("1Gi");
        assertThat(hard.path("pods").asString()).isEqualTo("10");

        MockHttpServletResponse patched = send("PATCH", QUOTAS + "/compute", "application/merge-patch+json",
                "{\"spec\":{\"hard\":{\"requests.cpu\":\"1.5\"}}}");
        assertThat(patched.getStatus()).as(patched.getContentAsString()).isEqualTo(200);
        assertThat(json(patched).at("/spec/hard/requests.cpu").asString()).isEqualTo("1500m");
        assertThat(json(send("GET", QUOTAS + "/compute", null, null)).at("/spec/hard/requests.cpu").asString())
                .isEqualTo("1500m");
    }

    @Test
    void reApplyIsNoChangeAndTheCanonicalValueSharesTheField() throws Exception {
        String applied = """
                apiVersion: v1
                kind: ResourceQuota
                metadata:
                  name: applied
                spec:
                  hard:
                    requests.cpu: "%s"
                """;
        String path = QUOTAS + "/applied?fieldManager=";
        code(send("POST", QUOTAS, "application/json", // apply creating would need an authorizer here
                "{\"apiVersion\":\"v1\",\"kind\":\"ResourceQuota\",\"metadata\":{\"name\":\"applied\"}}"), 201);
        JsonNode first = code(send("PATCH", path + "a", APPLY, applied.formatted("0.5")), 200);
        assertThat(first.at("/spec/hard/requests.cpu").asString()).isEqualTo("500m");
        // "0.5" against the live "500m" is a change to the merge, so the apply stamps manager a's time again; an
        // apply in a later second must still write nothing (kube's IgnoreManagedFieldsTimestampsTransformer)
        backdateManagedFields("/registry/resourcequotas/" + NS + "/applied");
        JsonNode stored = json(send("GET", QUOTAS + "/applied", null, null));
        String rv = stored.at("/metadata/resourceVersion").asString();
        assertThat(stored.at("/metadata/managedFields/0/time").asString()).isEqualTo(LONG_AGO);

        JsonNode again = code(send("PATCH", path + "a", APPLY, applied.formatted("0.5")), 200);
        assertThat(again.at("/metadata/resourceVersion").asString()).isEqualTo(rv);
        assertThat(again.at("/metadata/managedFields")).isEqualTo(stored.at("/metadata/managedFields"));
        assertThat(json(send("GET", QUOTAS + "/applied", null, null)).at("/metadata/resourceVersion").asString())
                .isEqualTo(rv);

        JsonNode shared = code(send("PATCH", path + "b", APPLY, applied.formatted("500m")), 200);
        assertThat(shared.at("/spec/hard/requests.cpu").asString()).isEqualTo("500m");
        assertThat(managers(shared)).contains("a", "b");

        // the applied texts are compared as smd's Compare compares them (kube's Updater.update does the same, as we
        // read it): another manager's "0.5" against the live "500m" is a change, a conflict with the owners
        JsonNode conflict = code(send("PATCH", path + "c", APPLY, applied.formatted("0.5")), 409);
        assertThat(conflict.path("message").asString()).startsWith("Apply failed with 2 conflicts");
    }

    @Test
    void anInvalidQuantityIsStillKubesError() throws Exception {
        MockHttpServletResponse res = send("POST", QUOTAS, "application/json", """
                {"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"bad"},"spec":{"hard":{"cpu":"1.1.M"}}}""");
        assertThat(res.getStatus()).isEqualTo(400);
        assertThat(json(res).path("message").asString()).endsWith(
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }

    private static final String LONG_AGO = "2020-01-01T00:00:00Z";

    /** Sets every managedFields time of the stored object to {@link #LONG_AGO}, straight in the storage. */
    private void backdateManagedFields(String key) {
        storage.guaranteedUpdate(key, Preconditions.NONE, false, kv -> new String(kv.value(), StandardCharsets.UTF_8)
                .replaceAll("\"time\":\"[^\"]+\"", "\"time\":\"" + LONG_AGO + "\"")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode code(MockHttpServletResponse res, int code) throws Exception {
        assertThat(res.getStatus()).as(res.getContentAsString()).isEqualTo(code);
        return json(res);
    }

    private static List<String> managers(JsonNode obj) {
        List<String> names = new ArrayList<>();
        obj.at("/metadata/managedFields").forEach(e -> names.add(e.path("manager").asString()));
        return names;
    }

    private static JsonNode json(MockHttpServletResponse res) throws Exception {
        return Json.MAPPER.readTree(res.getContentAsString(StandardCharsets.UTF_8));
    }

    private MockHttpServletResponse send(String method, String pathAndQuery, String contentType, String body)
            throws Exception {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        MockHttpServletRequest req = new MockHttpServletRequest(method, path);
        if (q >= 0) {
            req.setQueryString(pathAndQuery.substring(q + 1));
            for (String pair : pathAndQuery.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                req.addParameter(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        if (body != null) {
            req.setContentType(contentType);
            req.setContent(body.getBytes(StandardCharsets.UTF_8));
        }
        MockHttpServletResponse res = new MockHttpServletResponse();
        try {
            dispatcher.dispatch(new AuthorizedRequest(Writes.ADMIN, RequestInfoResolver.resolve(method, path, null,
                    null), method, path), req, res);
        } catch (StatusError e) {
            Responses.writeError(res, e);
        }
        return res;
    }
}
