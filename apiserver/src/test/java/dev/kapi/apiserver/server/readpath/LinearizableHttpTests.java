package dev.kapi.apiserver.server.readpath;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.server.readpath.ReadPathServer.Reply;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.readcheck.WriteLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The read path over HTTP is linearizable, whatever serves it (the storage, or a watch cache in front of it;
 * issue #14): a GET or LIST without resourceVersion sees every write answered before it was sent, watches
 * (with bookmarks, resumed, with sendInitialEvents) see every write in order once, field-selected pod lists
 * and watches see only their node's pods, and reads at a resourceVersion answer as kube-apiserver's do.
 * A subclass picks the store with {@link #flags()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LinearizableHttpTests {

    private ReadPathServer server;
    private final String run = UUID.randomUUID().toString().substring(0, 6);

    /** The server's flags besides port, bind address, data dir and kubeconfig (none: the embedded store). */
    protected abstract List<String> flags();

    @BeforeAll
    void startServer() {
        server = new ReadPathServer(flags());
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private String namespace(String name) {
        String ns = name + "-" + run;
        Reply r = server.send("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
                + "\"metadata\":{\"name\":\"" + ns + "\"}}");
        assertThat(r.code()).as(r.body()).isEqualTo(201);
        return ns;
    }

    @Test
    void readsAndWatchesSeeEveryAcknowledgedWriteWhileWritesRace() throws InterruptedException {
        HttpRace race = new HttpRace(server, namespace("lin-race"), Duration.ofSeconds(15));
        List<String> violations = race.run(Duration.ofSeconds(4));
        System.out.println(getClass().getSimpleName() + " race: " + race.counts);

        assertThat(violations).as("linearizability violations").isEmpty();
        assertThat(race.counts.get("writes").get()).isGreaterThan(10);
        assertThat(race.counts).containsKeys("get", "list", "initial-events watches", "watch resumptions");
        assertThat(race.counts.get("watch events").get()).isEqualTo(race.counts.get("writes").get());
    }

    @Test
    void readsAtAResourceVersionAnswerAsKube() throws InterruptedException {
        String ns = namespace("lin-rv");
        String cms = "/api/v1/namespaces/" + ns + "/configmaps";
        WriteLog log = new WriteLog();
        long r1 = write(log, "POST", cms, "cma", "1");
        write(log, "PUT", cms + "/cma", "cma", "2");
        long r3 = write(log, "POST", cms, "cmb", "1");

        Reply exact = server.get(cms + "?resourceVersion=" + r1 + "&resourceVersionMatch=Exact");
        assertThat(exact.code()).as(exact.body()).isEqualTo(200);
        assertThat(exact.resourceVersion()).isEqualTo(Long.toString(r1));
        sameState(log, ns, r1, ConfigMapLog.items(exact.json()));

        Reply notOlder = server.get(cms + "?resourceVersion=" + r3 + "&resourceVersionMatch=NotOlderThan");
        assertThat(notOlder.code()).as(notOlder.body()).isEqualTo(200);
        assertThat(Long.parseLong(notOlder.resourceVersion())).isGreaterThanOrEqualTo(r3);
        sameState(log, ns, r3, ConfigMapLog.items(notOlder.json()));
        Reply get = server.get(cms + "/cmb?resourceVersion=" + r3);
        assertThat(get.code()).as(get.body()).isEqualTo(200);
        assertThat(get.resourceVersion()).isEqualTo(Long.toString(r3));

        // resourceVersion=0 is "any": a state the store had, which catches up with the writes
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long answered;
        do {
            Reply any = server.get(cms + "?resourceVersion=0");
            assertThat(any.code()).as(any.body()).isEqualTo(200);
            answered = Long.parseLong(any.resourceVersion());
            sameState(log, ns, answered, ConfigMapLog.items(any.json()));
            Thread.sleep(answered >= r3 ? 0 : 50);
        } while (answered < r3 && System.nanoTime() < deadline);
        assertThat(answered).as("resourceVersion=0 caught up with the last write").isGreaterThanOrEqualTo(r3);
    }

    @Test
    void aResourceVersionTheStoreHasNotReachedIsTooLarge() {
        String ns = namespace("lin-large");
        String cms = "/api/v1/namespaces/" + ns + "/configmaps";
        long future = write(new WriteLog(), "POST", cms, "cma", "1") + 1_000_000;
        // kube says "Timeout: Too large resource version: N, current: M" with a ResourceVersionTooLarge cause
        // (client-go's reflector lists again from the latest on it) and retryAfterSeconds 1, also as a header
        String message = "^Timeout: Too large resource version: " + future + ", current: \\d+$";
        for (String path : List.of(cms + "/cma?resourceVersion=" + future, cms + "?resourceVersion=" + future,
                cms + "?resourceVersion=" + future + "&resourceVersionMatch=NotOlderThan",
                cms + "?resourceVersion=" + future + "&resourceVersionMatch=Exact",
                cms + "?resourceVersion=" + future + "&limit=1")) {
            Reply r = server.get(path);
            assertThat(r.code()).as(path + " " + r.body()).isEqualTo(504);
            JsonNode status = r.json();
            assertThat(status.path("reason").asString()).as(path).isEqualTo("Timeout");
            assertThat(status.path("message").asString()).as(path).containsPattern(message);
            assertThat(status.path("details").path("causes").path(0).path("reason").asString()).as(path)
                    .isEqualTo("ResourceVersionTooLarge");
            assertThat(status.path("details").path("causes").path(0).path("message").asString()).as(path)
                    .isEqualTo("Too large resource version");
            assertThat(status.path("details").path("retryAfterSeconds").asInt()).as(path).isEqualTo(1);
            assertThat(r.header("Retry-After")).as(path).isEqualTo("1");
        }
    }

    @Test
    void aWatchFromAResourceVersionTheStoreHasNotReachedWaitsForIt() throws InterruptedException {
        // kube (cacher and etcd alike) accepts it and delivers only changes after it: none here
        String ns = namespace("lin-future");
        String cms = "/api/v1/namespaces/" + ns + "/configmaps";
        long future = write(new WriteLog(), "POST", cms, "cma", "1") + 1_000_000;
        try (ReadPathServer.Watch watch = server.watch(cms + "?watch=true&timeoutSeconds=2&resourceVersion=" + future)) {
            write(new WriteLog(), "POST", cms, "cmb", "1");
            JsonNode event = watch.next(Duration.ofSeconds(4));
            assertThat(event).as("an event of a watch from %s", future).isNull();
            assertThat(watch.ended()).as("ended after timeoutSeconds").isTrue();
        }
    }

    @Test
    void podListsAndWatchesSelectedByNodeNameHoldOnlyThatNodesPods() throws InterruptedException {
        String pods = "/api/v1/namespaces/" + namespace("lin-pods") + "/pods";
        String a = "node-a-" + run;
        String b = "node-b-" + run;
        createPod(pods, "a0", a);
        createPod(pods, "b0", b);
        createPod(pods, "a1", a);
        createPod(pods, "b1", b);
        String selector = "fieldSelector=spec.nodeName%3D" + a;

        Reply all = server.get("/api/v1/pods?" + selector);
        assertThat(all.code()).as(all.body()).isEqualTo(200);
        assertThat(names(all.json())).containsExactly("a0", "a1");
        List<String> paged = new ArrayList<>();
        Reply page = server.get(pods + "?limit=1&" + selector);
        for (int i = 0; i < 10 && page.code() == 200; i++) {
            paged.addAll(names(page.json()));
            String token = page.json().path("metadata").path("continue").asString("");
            if (token.isEmpty()) {
                break;
            }
            page = server.get(pods + "?limit=1&" + selector + "&continue=" + token);
        }
        assertThat(paged).containsExactly("a0", "a1");

        try (ReadPathServer.Watch watch = server.watch("/api/v1/pods?watch=true&" + selector + "&resourceVersion="
                + all.resourceVersion())) {
            createPod(pods, "b2", b);
            createPod(pods, "a2", a);
            assertThat(server.send("DELETE", pods + "/a0?gracePeriodSeconds=0", null).code()).isEqualTo(200);
            assertThat(server.send("DELETE", pods + "/b0?gracePeriodSeconds=0", null).code()).isEqualTo(200);
            createPod(pods, "a3", a);
            assertThat(events(watch, "ADDED a3", a)).containsExactly("ADDED a2", "DELETED a0", "ADDED a3");
        }
        try (ReadPathServer.Watch watch = server.watch(pods + "?watch=true&sendInitialEvents=true"
                + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&" + selector)) {
            assertThat(events(watch, "BOOKMARK", a)).containsExactly("ADDED a1", "ADDED a2", "ADDED a3", "BOOKMARK");
        }
    }

    private void createPod(String pods, String name, String node) throws InterruptedException {
        String pod = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"nodeName\":\"" + node + "\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";
        Reply r = server.send("POST", pods, pod);
        // the first pods of a namespace may wait for its default service account
        for (long deadline = System.nanoTime() + 30_000_000_000L; r.code() != 201 && System.nanoTime() < deadline; ) {
            Thread.sleep(200);
            r = server.send("POST", pods, pod);
        }
        assertThat(r.code()).as(r.body()).isEqualTo(201);
    }

    /** "TYPE name" of each event until one reads {@code last} (10 s at most); every pod must be on {@code node}. */
    private static List<String> events(ReadPathServer.Watch watch, String last, String node)
            throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (JsonNode e; !out.contains(last) && (e = watch.next(Duration.ofSeconds(10))) != null; ) {
            String type = e.path("type").asString();
            JsonNode object = e.path("object");
            if (type.equals("BOOKMARK")) {
                if (last.equals("BOOKMARK") && ConfigMapLog.initialEventsEnd(e)) {
                    out.add(type);
                }
                continue;
            }
            assertThat(object.path("spec").path("nodeName").asString()).as(e.toString()).isEqualTo(node);
            out.add(type + " " + object.path("metadata").path("name").asString());
        }
        return out;
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.path("items").forEach(item -> out.add(item.path("metadata").path("name").asString()));
        return out;
    }

    /** Writes ConfigMap {@code name} = {@code value}, logs it and answers its resourceVersion. */
    private long write(WriteLog log, String method, String path, String name, String value) {
        Reply r = server.send(method, path, ConfigMapLog.configMap(name, value));
        assertThat(r.code()).as(r.body()).isIn(200, 201);
        KeyValue kv = ConfigMapLog.entry(r.json());
        log.acknowledged(kv.modRevision(), kv.key(), kv);
        return kv.modRevision();
    }

    private static void sameState(WriteLog log, String ns, long revision, List<KeyValue> items) {
        assertThat(WriteLog.describe(items)).isEqualTo(WriteLog.describe(log.stateAt(ns + "/", revision).values()));
        assertThat(WriteLog.sameEntries(items, log.stateAt(ns + "/", revision))).isTrue();
    }
}
