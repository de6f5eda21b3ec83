package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.StorageDecorator;
import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ReadRevision;
import dev.kapi.apiserver.storage.RecordingStorage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gets and lists with resourceVersion over HTTP answer as kube-apiserver does: a limit makes a list's
 * resourceVersion exact, a get checks its resourceVersion before looking for the object, and the 400, 422
 * and 504 bodies carry kube's messages; a {@link StorageDecorator} bean sits in front of every resource's
 * storage and sees the read each query asks for. R is a revision the store has passed (the list then holds
 * "first" only), F one it has not reached, T a continue token.
 */
@Import(ResourceVersionServingTest.Decorated.class)
class ResourceVersionServingTest extends WatchServerTestBase {

    /** A {@link StorageDecorator} bean: every resource's storage behind a recording pass-through. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Decorated {

        static final Map<String, RecordingStorage> BY_RESOURCE = new ConcurrentHashMap<>();

        @Bean
        StorageDecorator recordingDecorator() {
            return (definition, storage) -> BY_RESOURCE.computeIfAbsent(definition.resource(),
                    resource -> new RecordingStorage(storage));
        }
    }

    private static final String NS = "rv-serving";
    private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";

    private static String r;
    private static String f;
    private static String t;

    /** {@code read}: the first read that reached the ConfigMaps' storage, "-" when none did. */
    record Case(String path, String read, int code, String body) {
        @Override
        public String toString() {
            return path + " -> " + read + ", " + code + " " + body;
        }
    }

    static List<Case> cases() {
        String tooLarge = "Timeout: Too large resource version: <F>, current: \\d+";
        return List.of(
                new Case(CMS + "?resourceVersion=R&limit=1", "list EXACT R", 200, "first at R"),
                new Case(CMS + "?resourceVersion=R&limit=1&resourceVersionMatch=Exact", "list EXACT R", 200,
                        "first at R"),
                new Case(CMS + "?resourceVersion=R&limit=5&resourceVersionMatch=NotOlderThan",
                        "list NOT_OLDER_THAN R", 200, "first, second"),
                new Case(CMS + "?resourceVersion=R", "list NOT_OLDER_THAN R", 200, "first, second"),
                new Case(CMS + "?resourceVersion=0&limit=5", "list ANY", 200, "first, second"),
                new Case(CMS + "?limit=5", "list MOST_RECENT", 200, "first, second"),
                new Case(CMS + "?resourceVersion=F", "list NOT_OLDER_THAN F", 504, tooLarge),
                new Case(CMS + "?resourceVersion=F&limit=1", "list EXACT F", 504, tooLarge),
                new Case(CMS + "?resourceVersion=F&resourceVersionMatch=Exact", "list EXACT F", 504, tooLarge),
                new Case(CMS + "?continue=WzFd", "list CONTINUE", 400,
                        "invalid continue token: continue key is not valid: json: cannot unmarshal array into Go "
                                + "value of type storage.continueToken"),
                new Case(CMS + "?limit=1&continue=T&resourceVersion=R", "-", 400,
                        "specifying resource version is not allowed when using continue"),
                new Case(CMS + "?limit=1&continue=T&resourceVersion=0", "list CONTINUE", 200, "second"),
                new Case(CMS + "?continue=T&resourceVersionMatch=Exact", "-", 422,
                        "ListOptions.meta.k8s.io \"\" is invalid: \\[resourceVersionMatch: Forbidden: "
                                + "resourceVersionMatch is forbidden unless resourceVersion is provided, "
                                + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue "
                                + "is provided\\]"),
                new Case(CMS + "/first", "get MOST_RECENT", 200, "first"),
                new Case(CMS + "/first?resourceVersion=0", "get ANY", 200, "first"),
                new Case(CMS + "/first?resourceVersion=R", "get NOT_OLDER_THAN R", 200, "first"),
                new Case(CMS + "/first?resourceVersion=F", "get NOT_OLDER_THAN F", 504, tooLarge),
                new Case(CMS + "/missing?resourceVersion=0", "get ANY", 404, "configmaps \"missing\" not found"),
                new Case(CMS + "/missing?resourceVersion=F", "get NOT_OLDER_THAN F", 504, tooLarge),
                new Case(CMS + "/missing?resourceVersion=abc", "-", 400, "invalid resource version: \"abc\""));
    }

    @BeforeEach
    void objects() throws Exception {
        if (r != null) {
            return;
        }
        write("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                + NS + "\"}}");
        write("POST", CMS, configMap("first", "rv", "1"));
        r = get(CMS + "/first").path("metadata").path("resourceVersion").asString();
        write("POST", CMS, configMap("second", "rv", "1"));
        f = Long.toString(Long.parseLong(get(CMS).path("metadata").path("resourceVersion").asString()) + 100_000);
        t = get(CMS + "?limit=1").path("metadata").path("continue").asString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAsKube(Case c) throws Exception {
        RecordingStorage configMaps = Decorated.BY_RESOURCE.get("configmaps");
        configMaps.clear();
        HttpResponse<String> res = send(c.path().replace("=R", "=" + r).replace("=F", "=" + f).replace("=T", "=" + t));
        JsonNode body = Json.MAPPER.readTree(res.body());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(c.code());
        assertThat(firstRead(configMaps)).isEqualTo(c.read());
        if (c.code() != 200) {
            assertThat(body.path("message").asString()).matches(c.body().replace("<F>", f));
            return;
        }
        String outcome;
        if (body.has("items")) {
            List<String> names = new ArrayList<>();
            body.path("items").forEach(item -> names.add(item.path("metadata").path("name").asString()));
            outcome = String.join(", ", names);
            if (body.path("metadata").path("resourceVersion").asString().equals(r)) {
                outcome += " at R";
            }
        } else {
            outcome = body.path("metadata").path("name").asString();
        }
        assertThat(outcome).isEqualTo(c.body());
    }

    /** "get|list MATCH [R|F]" of the first read of this test's ConfigMaps that reached storage, or "-". */
    private static String firstRead(RecordingStorage recording) {
        return recording.calls().stream().filter(call -> call.key().contains("/configmaps/" + NS + "/"))
                .filter(call -> !call.op().equals("watch")).findFirst().map(call -> {
                    ReadRevision at = call.options() instanceof GetOptions g ? g.at() : ((ListOptions) call.options()).at();
                    String n = Long.toString(at.revision());
                    return call.op() + " " + at.match() + (at.revision() == 0 ? ""
                            : " " + (n.equals(r) ? "R" : n.equals(f) ? "F" : n));
                }).orElse("-");
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> res = send(path);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return Json.MAPPER.readTree(res.body());
    }

    private HttpResponse<String> send(String path) throws Exception {
        return admin.send(HttpRequest.newBuilder(uri("https", path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
