package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.WidgetWebhook;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A CustomResourceDefinition with several versions, end to end against the packaged server: objects written
 * at one version and read, listed and watched at another (same object, same resourceVersion), stored at the
 * storage version under kube's etcd key, deprecation warnings on every request to a deprecated version
 * (HTTP and kubectl), discovery with the preferred version, a storage-version change recorded in
 * {@code status.storedVersions}, unserved versions gone, and conversion through a real webhook process.
 */
@ExtendWith(KapiServerExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CustomResourceVersionsIT {

    private static final String NS = "e2e-crd-versions";
    private static final String GROUP = "versions.e2e.kapi.dev";
    private static final String STORAGE_GROUP = "storage.versions.e2e.kapi.dev";
    private static final String WEBHOOK_GROUP = "webhook.versions.e2e.kapi.dev";
    private static final String AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/";
    private static final Kubectl KUBECTL = Kubectl.named("kubectl");

    private static Client etcd;

    @TempDir
    static Path dir;

    /** Gadgets: v1alpha1 deprecated with its own warning, v1beta1 deprecated with kube's default, v1 stored. */
    private static final String GADGETS = """
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
             "metadata":{"name":"gadgets.%1$s"},
             "spec":{"group":"%1$s","scope":"Namespaced",
              "names":{"plural":"gadgets","singular":"gadget","kind":"Gadget","listKind":"GadgetList"},
              "versions":[
               {"name":"v1alpha1","served":true,"storage":false,"deprecated":true,
                "deprecationWarning":"v1alpha1 gadgets go away in 2.0; use v1","schema":%2$s},
               {"name":"v1beta1","served":true,"storage":false,"deprecated":true,"schema":%2$s},
               {"name":"v1","served":true,"storage":true,"schema":%2$s}]}}
            """.formatted(GROUP, schema("{\"color\":{\"type\":\"string\"}}"));

    private static String schema(String specProperties) {
        return """
                {"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":%s}}}}"""
                .formatted(specProperties);
    }

    private static String storagesCrd(String versions) {
        return """
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"storages.%s"},
                 "spec":{"group":"%s","scope":"Namespaced",
                  "names":{"plural":"storages","singular":"storage","kind":"Storage","listKind":"StorageList"},
                  "versions":%s}}""".formatted(STORAGE_GROUP, STORAGE_GROUP, versions);
    }

    private static String version(String name, boolean served, boolean storage) {
        return "{\"name\":\"%s\",\"served\":%s,\"storage\":%s,\"schema\":%s}"
                .formatted(name, served, storage, schema("{\"color\":{\"type\":\"string\"}}"));
    }

    @BeforeAll
    static void setUp() {
        KubeHttp.createNamespace(NS);
        etcd = Client.builder().endpoints(EtcdExtension.endpoints().toArray(String[]::new)).build();
        createCrd(GADGETS);
        awaitServed("/apis/" + GROUP + "/v1alpha1/namespaces/" + NS + "/gadgets");
    }

    @AfterAll
    static void tearDown() {
        if (etcd != null) {
            etcd.close();
        }
    }

    // ---- helpers

    private static void createCrd(String json) {
        Reply r = KubeHttp.post(CRDS, json);
        assertThat(r.code()).as(r.toString()).isEqualTo(201);
    }

    private static void awaitServed(String path) {
        await(path, r -> r.code() == 200);
    }

    private static Reply await(String path, Predicate<Reply> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Reply r = KubeHttp.get(path);
        while (!done.test(r) && System.nanoTime() < deadline) {
            sleep(100);
            r = KubeHttp.get(path);
        }
        assertThat(done.test(r)).as(path + " -> " + r).isTrue();
        return r;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Each resource has a group of its own, so that each test sees only its versions in discovery. */
    private static String groupOf(String plural) {
        return switch (plural) {
            case "storages" -> STORAGE_GROUP;
            case "widgets" -> WEBHOOK_GROUP;
            default -> GROUP;
        };
    }

    private static String objects(String version, String plural) {
        return "/apis/" + groupOf(plural) + "/" + version + "/namespaces/" + NS + "/" + plural;
    }

    private static Reply ok(Reply r, int code) {
        assertThat(r.code()).as(r.toString()).isEqualTo(code);
        return r;
    }

    private static String warning(String text) {
        return "299 - \"" + text + "\"";
    }

    /** The object as etcd holds it, parsed from JSON, under kube's key for custom resources. */
    private static JsonNode stored(String plural, String name) throws Exception {
        String key = KapiServerExtension.etcdPrefix() + "/" + groupOf(plural) + "/" + plural + "/" + NS + "/" + name;
        List<KeyValue> kvs = etcd.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8))
                .get(10, TimeUnit.SECONDS).getKvs();
        assertThat(kvs).as("etcd key " + key).hasSize(1);
        return Json.MAPPER.readTree(kvs.getFirst().getValue().getBytes());
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asString).toList();
    }

    private static JsonNode aggregatedGroup(String group) {
        Reply r = ok(KubeHttp.send("GET", "/apis", null, null, "Accept", AGGREGATED), 200);
        for (JsonNode g : r.json().path("items")) {
            if (g.path("metadata").path("name").asString().equals(group)) {
                return g;
            }
        }
        throw new AssertionError("no group " + group + " in aggregated discovery: " + r.body());
    }

    private static List<String> aggregatedVersions(String group) {
        return StreamSupport.stream(aggregatedGroup(group).path("versions").spliterator(), false)
                .map(v -> v.path("version").asString()).toList();
    }

    // ---- 1. served versions, conversion None

    @Test
    void anObjectWrittenAtOneVersionIsTheSameObjectAtEveryServedVersion() throws Exception {
        Reply created = ok(KubeHttp.post(objects("v1beta1", "gadgets"), """
                {"apiVersion":"%s/v1beta1","kind":"Gadget","metadata":{"name":"g1"},"spec":{"color":"red"}}"""
                .formatted(GROUP)), 201);
        assertThat(created.json().path("apiVersion").asString()).isEqualTo(GROUP + "/v1beta1");
        String rv = created.json().path("metadata").path("resourceVersion").asString();
        String uid = created.json().path("metadata").path("uid").asString();

        for (String v : List.of("v1", "v1beta1", "v1alpha1")) {
            JsonNode read = ok(KubeHttp.get(objects(v, "gadgets") + "/g1"), 200).json();
            assertThat(read.path("apiVersion").asString()).as(v).isEqualTo(GROUP + "/" + v);
            assertThat(read.path("kind").asString()).isEqualTo("Gadget");
            assertThat(read.path("metadata").path("resourceVersion").asString()).as(v).isEqualTo(rv);
            assertThat(read.path("metadata").path("uid").asString()).isEqualTo(uid);
            assertThat(read.path("spec").path("color").asString()).isEqualTo("red");
        }
        for (String v : List.of("v1", "v1beta1")) {
            JsonNode list = ok(KubeHttp.get(objects(v, "gadgets")), 200).json();
            assertThat(list.path("apiVersion").asString()).isEqualTo(GROUP + "/" + v);
            assertThat(list.path("kind").asString()).isEqualTo("GadgetList");
            JsonNode item = StreamSupport.stream(list.path("items").spliterator(), false)
                    .filter(i -> i.path("metadata").path("name").asString().equals("g1")).findFirst().orElseThrow();
            assertThat(item.path("apiVersion").asString()).isEqualTo(GROUP + "/" + v);
            assertThat(item.path("metadata").path("resourceVersion").asString()).isEqualTo(rv);
        }
        // kube stores custom objects at the storage version under /registry/<group>/<plural>/<ns>/<name>
        JsonNode inEtcd = stored("gadgets", "g1");
        assertThat(inEtcd.path("apiVersion").asString()).isEqualTo(GROUP + "/v1");
        assertThat(inEtcd.path("spec").path("color").asString()).isEqualTo("red");
        // an update at v1 keeps it readable at v1beta1 with the new resourceVersion
        Reply updated = ok(KubeHttp.patch(objects("v1", "gadgets") + "/g1", "application/merge-patch+json",
                "{\"spec\":{\"color\":\"blue\"}}"), 200);
        JsonNode again = ok(KubeHttp.get(objects("v1beta1", "gadgets") + "/g1"), 200).json();
        assertThat(again.path("spec").path("color").asString()).isEqualTo("blue");
        assertThat(again.path("metadata").path("resourceVersion").asString())
                .isEqualTo(updated.json().path("metadata").path("resourceVersion").asString());
    }

    @Test
    void watchesAtEachVersionSeeTheObjectAtTheirVersion() {
        String rv = ok(KubeHttp.get(objects("v1", "gadgets")), 200).json().path("metadata").path("resourceVersion")
                .asString();
        try (KubeHttp.WatchStream v1 = KubeHttp.watch(objects("v1", "gadgets") + "?watch=true&resourceVersion=" + rv);
             KubeHttp.WatchStream beta = KubeHttp.watch(objects("v1beta1", "gadgets")
                     + "?watch=true&resourceVersion=" + rv)) {
            assertThat(v1.code()).isEqualTo(200);
            assertThat(beta.code()).isEqualTo(200);
            assertThat(beta.response().headers().allValues("Warning"))
                    .containsExactly(warning(GROUP + "/v1beta1 Gadget is deprecated"));
            assertThat(v1.response().headers().allValues("Warning")).isEmpty();
            ok(KubeHttp.post(objects("v1", "gadgets"), """
                    {"apiVersion":"%s/v1","kind":"Gadget","metadata":{"name":"watched"},"spec":{"color":"green"}}"""
                    .formatted(GROUP)), 201);
            for (String v : List.of("v1", "v1beta1")) {
                JsonNode event = (v.equals("v1") ? v1 : beta).next(10);
                assertThat(event).as("an event at " + v).isNotNull();
                assertThat(event.path("type").asString()).isEqualTo("ADDED");
                assertThat(event.path("object").path("metadata").path("name").asString()).isEqualTo("watched");
                assertThat(event.path("object").path("apiVersion").asString()).isEqualTo(GROUP + "/" + v);
            }
        }
    }

    @Test
    void everyRequestToADeprecatedVersionIsWarned() {
        String defaultText = warning(GROUP + "/v1beta1 Gadget is deprecated");
        String ownText = warning("v1alpha1 gadgets go away in 2.0; use v1");
        Reply created = ok(KubeHttp.post(objects("v1beta1", "gadgets"), """
                {"apiVersion":"%s/v1beta1","kind":"Gadget","metadata":{"name":"warned"},"spec":{}}"""
                .formatted(GROUP)), 201);
        assertThat(created.headers("Warning")).containsExactly(defaultText);
        assertThat(KubeHttp.get(objects("v1beta1", "gadgets") + "/warned").headers("Warning"))
                .containsExactly(defaultText);
        assertThat(KubeHttp.get(objects("v1beta1", "gadgets")).headers("Warning")).containsExactly(defaultText);
        assertThat(KubeHttp.patch(objects("v1beta1", "gadgets") + "/warned", "application/merge-patch+json",
                "{\"spec\":{\"color\":\"x\"}}").headers("Warning")).containsExactly(defaultText);
        assertThat(KubeHttp.get(objects("v1alpha1", "gadgets") + "/warned").headers("Warning"))
                .containsExactly(ownText);
        assertThat(KubeHttp.delete(objects("v1alpha1", "gadgets") + "/warned").headers("Warning"))
                .containsExactly(ownText);
        assertThat(KubeHttp.get(objects("v1", "gadgets")).headers("Warning")).isEmpty();
        Reply missing = KubeHttp.get(objects("v1beta1", "gadgets") + "/missing");
        assertThat(missing.code()).isEqualTo(404);
        assertThat(missing.headers("Warning")).as("an error answer is warned too, as kube's").containsExactly(defaultText);
    }

    @Test
    void discoveryListsEveryServedVersionWithTheGaOnePreferred() {
        JsonNode group = ok(KubeHttp.get("/apis/" + GROUP), 200).json();
        assertThat(group.path("versions")).extracting(v -> v.path("version").asString())
                .containsExactly("v1", "v1beta1", "v1alpha1");
        assertThat(group.path("preferredVersion").path("groupVersion").asString()).isEqualTo(GROUP + "/v1");
        JsonNode inApis = StreamSupport.stream(ok(KubeHttp.get("/apis"), 200).json().path("groups").spliterator(),
                false).filter(g -> g.path("name").asString().equals(GROUP)).findFirst().orElseThrow();
        assertThat(inApis.path("preferredVersion").path("version").asString()).isEqualTo("v1");
        for (String v : List.of("v1", "v1beta1", "v1alpha1")) {
            JsonNode resources = ok(KubeHttp.get("/apis/" + GROUP + "/" + v), 200).json();
            assertThat(resources.path("groupVersion").asString()).isEqualTo(GROUP + "/" + v);
            assertThat(resources.path("resources")).extracting(r -> r.path("name").asString()).contains("gadgets");
        }
        assertThat(aggregatedVersions(GROUP)).containsExactly("v1", "v1beta1", "v1alpha1");
        JsonNode crd = ok(KubeHttp.get(CRDS + "gadgets." + GROUP), 200).json();
        assertThat(texts(crd.path("status").path("storedVersions"))).containsExactly("v1");
    }

    // ---- 2. storage version changes, unserved and removed versions

    @Test
    void storageVersionChangesAreRecordedAndStoredVersionsCannotBeDropped() throws Exception {
        createCrd(storagesCrd("[" + version("v1beta1", true, false) + "," + version("v1", true, true) + "]"));
        String crdPath = CRDS + "storages." + STORAGE_GROUP;
        awaitServed(objects("v1", "storages"));
        ok(KubeHttp.post(objects("v1", "storages"), """
                {"apiVersion":"%s/v1","kind":"Storage","metadata":{"name":"before"},"spec":{"color":"red"}}"""
                .formatted(STORAGE_GROUP)), 201);
        assertThat(stored("storages", "before").path("apiVersion").asString()).isEqualTo(STORAGE_GROUP + "/v1");

        // v1beta1 becomes the storage version
        Reply changed = ok(KubeHttp.patch(crdPath, "application/merge-patch+json", "{\"spec\":{\"versions\":["
                + version("v1beta1", true, true) + "," + version("v1", true, false) + "]}}"), 200);
        assertThat(texts(changed.json().path("status").path("storedVersions"))).containsExactly("v1", "v1beta1");
        await(objects("v1", "storages") + "/x", r -> r.code() == 404); // still served
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String apiVersion = null;
        int n = 0;
        // the served definitions switch to the new storage version within moments (informer-driven)
        while (System.nanoTime() < deadline) {
            String name = "after-" + n++;
            ok(KubeHttp.post(objects("v1", "storages"), """
                    {"apiVersion":"%s/v1","kind":"Storage","metadata":{"name":"%s"},"spec":{"color":"blue"}}"""
                    .formatted(STORAGE_GROUP, name)), 201);
            apiVersion = stored("storages", name).path("apiVersion").asString();
            if (apiVersion.equals(STORAGE_GROUP + "/v1beta1")) {
                break;
            }
            sleep(200);
        }
        assertThat(apiVersion).isEqualTo(STORAGE_GROUP + "/v1beta1");
        assertThat(stored("storages", "before").path("apiVersion").asString()).isEqualTo(STORAGE_GROUP + "/v1");
        for (String v : List.of("v1", "v1beta1")) {
            assertThat(ok(KubeHttp.get(objects(v, "storages") + "/before"), 200).json().path("apiVersion").asString())
                    .isEqualTo(STORAGE_GROUP + "/" + v);
        }

        // v1 no longer served: 404 at its URLs, gone from discovery; objects stored at v1 still readable
        ok(KubeHttp.patch(crdPath, "application/merge-patch+json", "{\"spec\":{\"versions\":["
                + version("v1beta1", true, true) + "," + version("v1", false, false) + "]}}"), 200);
        await(objects("v1", "storages"), r -> r.code() == 404);
        assertThat(KubeHttp.get(objects("v1", "storages") + "/before").code()).isEqualTo(404);
        assertThat(KubeHttp.post(objects("v1", "storages"), """
                {"apiVersion":"%s/v1","kind":"Storage","metadata":{"name":"refused"}}""".formatted(STORAGE_GROUP)).code())
                .isEqualTo(404);
        assertThat(KubeHttp.get("/apis/" + STORAGE_GROUP + "/v1").code()).isEqualTo(404);
        JsonNode discovered = ok(KubeHttp.get("/apis/" + STORAGE_GROUP), 200).json();
        assertThat(discovered.path("versions")).extracting(v -> v.path("version").asString()).containsExactly("v1beta1");
        assertThat(discovered.path("preferredVersion").path("version").asString()).isEqualTo("v1beta1");
        JsonNode before = ok(KubeHttp.get(objects("v1beta1", "storages") + "/before"), 200).json();
        assertThat(before.path("apiVersion").asString()).isEqualTo(STORAGE_GROUP + "/v1beta1");
        assertThat(before.path("spec").path("color").asString()).isEqualTo("red");
        assertThat(aggregatedVersions(STORAGE_GROUP)).containsExactly("v1beta1");

        // dropping v1 while objects may still be stored at it is refused
        Reply dropped = KubeHttp.patch(crdPath, "application/merge-patch+json",
                "{\"spec\":{\"versions\":[" + version("v1beta1", true, true) + "]}}");
        assertThat(dropped.code()).as(dropped.toString()).isEqualTo(422);
        assertThat(dropped.json().path("message").asString()).isEqualTo("CustomResourceDefinition.apiextensions.k8s.io"
                + " \"storages." + STORAGE_GROUP + "\" is invalid: status.storedVersions[0]: Invalid value: \"v1\": "
                + "must appear in spec.versions");
        JsonNode crd = ok(KubeHttp.get(crdPath), 200).json();
        assertThat(crd.path("spec").path("versions")).hasSize(2);
        assertThat(texts(crd.path("status").path("storedVersions"))).containsExactly("v1", "v1beta1");
    }

    // ---- 3. webhook conversion through a real webhook process

    @Test
    void webhookConversionEndToEnd() throws Exception {
        WidgetWebhook webhook = new WidgetWebhook(dir);
        try {
            createCrd("""
                    {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                     "metadata":{"name":"widgets.%1$s"},
                     "spec":{"group":"%1$s","scope":"Namespaced",
                      "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
                      "versions":[
                       {"name":"v1","served":true,"storage":true,"schema":%2$s},
                       {"name":"v2","served":true,"storage":false,"schema":%3$s}],
                      "conversion":{"strategy":"Webhook","webhook":{"conversionReviewVersions":["v1"],
                       "clientConfig":{"url":"%4$s","caBundle":"%5$s"}}}}}"""
                    .formatted(WEBHOOK_GROUP, schema("{\"size\":{\"type\":\"string\"}}"),
                            schema("{\"replicas\":{\"type\":\"integer\"}}"), webhook.url("/convert"),
                            webhook.caBundle()));
            awaitServed(objects("v2", "widgets"));
            Reply created = ok(KubeHttp.post(objects("v1", "widgets"), """
                    {"apiVersion":"%s/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":"3"}}"""
                    .formatted(WEBHOOK_GROUP)), 201);
            String rv = created.json().path("metadata").path("resourceVersion").asString();

            JsonNode v2 = ok(KubeHttp.get(objects("v2", "widgets") + "/w1"), 200).json();
            assertThat(v2.path("apiVersion").asString()).isEqualTo(WEBHOOK_GROUP + "/v2");
            assertThat(v2.path("spec").toString()).isEqualTo("{\"replicas\":3}");
            assertThat(v2.path("metadata").path("resourceVersion").asString()).isEqualTo(rv);
            JsonNode review = webhook.lastReview();
            assertThat(review.path("request").path("desiredAPIVersion").asString()).isEqualTo(WEBHOOK_GROUP + "/v2");

            JsonNode list = ok(KubeHttp.get(objects("v2", "widgets")), 200).json();
            assertThat(list.path("apiVersion").asString()).isEqualTo(WEBHOOK_GROUP + "/v2");
            assertThat(list.path("items")).singleElement().satisfies(i -> {
                assertThat(i.path("apiVersion").asString()).isEqualTo(WEBHOOK_GROUP + "/v2");
                assertThat(i.path("spec").path("replicas").asInt()).isEqualTo(3);
            });

            // written at v2, stored at v1 (converted by the webhook); a watch at v2 sees it at v2
            String listRv = list.path("metadata").path("resourceVersion").asString();
            try (KubeHttp.WatchStream watch = KubeHttp.watch(objects("v2", "widgets") + "?watch=true&resourceVersion="
                    + listRv)) {
                ok(KubeHttp.post(objects("v2", "widgets"), """
                        {"apiVersion":"%s/v2","kind":"Widget","metadata":{"name":"w2"},"spec":{"replicas":4}}"""
                        .formatted(WEBHOOK_GROUP)), 201);
                JsonNode event = watch.next(10);
                assertThat(event).as("an event").isNotNull();
                assertThat(event.path("object").path("apiVersion").asString()).isEqualTo(WEBHOOK_GROUP + "/v2");
                assertThat(event.path("object").path("spec").toString()).isEqualTo("{\"replicas\":4}");
            }
            assertThat(stored("widgets", "w2").path("spec").toString()).isEqualTo("{\"size\":\"4\"}");
            // a patch at v2 goes v1 -> v2 -> patched -> v1
            Reply patched = ok(KubeHttp.patch(objects("v2", "widgets") + "/w2", "application/merge-patch+json",
                    "{\"spec\":{\"replicas\":5}}"), 200);
            assertThat(patched.json().path("apiVersion").asString()).isEqualTo(WEBHOOK_GROUP + "/v2");
            assertThat(patched.json().path("spec").toString()).isEqualTo("{\"replicas\":5}");
            JsonNode w2 = stored("widgets", "w2");
            assertThat(w2.path("apiVersion").asString()).isEqualTo(WEBHOOK_GROUP + "/v1");
            assertThat(w2.path("spec").toString()).isEqualTo("{\"size\":\"5\"}");
            assertThat(stored("widgets", "w1").path("spec").toString()).isEqualTo("{\"size\":\"3\"}");

            Result atV2 = KUBECTL.run("-n", NS, "get", "widgets.v2." + WEBHOOK_GROUP, "w1", "-o", "jsonpath={.apiVersion} {.spec.replicas}");
            assertThat(atV2.exit()).as(atV2.toString()).isZero();
            assertThat(atV2.out()).isEqualTo(WEBHOOK_GROUP + "/v2 3");
            Result atV1 = KUBECTL.run("-n", NS, "get", "widgets.v1." + WEBHOOK_GROUP, "w2", "-o", "jsonpath={.apiVersion} {.spec.size}");
            assertThat(atV1.exit()).as(atV1.toString()).isZero();
            assertThat(atV1.out()).isEqualTo(WEBHOOK_GROUP + "/v1 5");
            Result table = KUBECTL.run("-n", NS, "get", "widgets.v2." + WEBHOOK_GROUP);
            assertThat(table.exit()).as(table.toString()).isZero();
            assertThat(table.out()).contains("w1").contains("w2");

            String beforeOutage = ok(KubeHttp.get(objects("v1", "widgets") + "/w1"), 200).body();
            String storedBefore = stored("widgets", "w1").toString();
            webhook.close();

            String failure = "conversion webhook for " + WEBHOOK_GROUP + "/v1, Kind=Widget failed: Post \""
                    + webhook.url("/convert?timeout=30s") + "\": dial tcp 127.0.0.1:"
                    + webhook.url("").substring("https://127.0.0.1:".length()) + ": connect: connection refused";
            Reply get = KubeHttp.get(objects("v2", "widgets") + "/w1");
            assertThat(get.code()).as(get.toString()).isEqualTo(500);
            assertThat(get.json().path("kind").asString()).isEqualTo("Status");
            assertThat(get.json().path("status").asString()).isEqualTo("Failure");
            assertThat(get.json().path("code").asInt()).isEqualTo(500);
            assertThat(get.json().path("message").asString()).isEqualTo(failure);
            Reply listDown = KubeHttp.get(objects("v2", "widgets"));
            assertThat(listDown.code()).as(listDown.toString()).isEqualTo(500);
            assertThat(listDown.json().path("message").asString()).isEqualTo(failure);
            Reply write = KubeHttp.post(objects("v2", "widgets"), """
                    {"apiVersion":"%s/v2","kind":"Widget","metadata":{"name":"w3"},"spec":{"replicas":1}}"""
                    .formatted(WEBHOOK_GROUP));
            assertThat(write.code()).as(write.toString()).isEqualTo(500);
            assertThat(write.json().path("reason").asString()).isEqualTo("InternalError");
            Reply patch = KubeHttp.patch(objects("v2", "widgets") + "/w1", "application/merge-patch+json",
                    "{\"spec\":{\"replicas\":9}}");
            assertThat(patch.code()).as(patch.toString()).isEqualTo(500);
            Result kubectlDown = KUBECTL.run("-n", NS, "get", "widgets.v2." + WEBHOOK_GROUP, "w1");
            assertThat(kubectlDown.exit()).isNotZero();
            assertThat(kubectlDown.err()).contains("conversion webhook for " + WEBHOOK_GROUP + "/v1, Kind=Widget failed");

            // a watch at v2 never sees an unconverted object: it ends, as kube's watch cache ends its watchers
            // when decoding fails, and a write at the storage version still succeeds meanwhile
            String rvNow = ok(KubeHttp.get(objects("v1", "widgets")), 200).json().path("metadata")
                    .path("resourceVersion").asString();
            try (KubeHttp.WatchStream watch = KubeHttp.watch(objects("v2", "widgets") + "?watch=true&resourceVersion="
                    + rvNow)) {
                assertThat(watch.code()).isEqualTo(200);
                ok(KubeHttp.post(objects("v1", "widgets"), """
                        {"apiVersion":"%s/v1","kind":"Widget","metadata":{"name":"w9"},"spec":{"size":"1"}}"""
                        .formatted(WEBHOOK_GROUP)), 201);
                assertThat(watch.next(5)).isNull();
                assertThat(watch.ended()).isTrue();
            }
            Reply delete = KubeHttp.delete(objects("v2", "widgets") + "/w9");
            assertThat(delete.code()).as(delete.toString()).isEqualTo(500);
            assertThat(delete.json().path("message").asString()).isEqualTo(failure);
            assertThat(KubeHttp.get(objects("v1", "widgets") + "/w9").code()).isEqualTo(200);
            // the stored object is untouched, and the storage version is still readable without the webhook
            assertThat(stored("widgets", "w1").toString()).isEqualTo(storedBefore);
            assertThat(ok(KubeHttp.get(objects("v1", "widgets") + "/w1"), 200).body()).isEqualTo(beforeOutage);
            assertThat(KubeHttp.get(objects("v1", "widgets") + "/w3").code()).isEqualTo(404);
        } finally {
            webhook.close();
        }
    }

    // ---- 4. kubectl

    @Test
    void kubectlShowsTheDeprecationWarning() {
        ok(KubeHttp.post(objects("v1", "gadgets"), """
                {"apiVersion":"%s/v1","kind":"Gadget","metadata":{"name":"k1"},"spec":{"color":"red"}}"""
                .formatted(GROUP)), 201);
        Result beta = KUBECTL.run("-n", NS, "get", "gadgets.v1beta1." + GROUP);
        assertThat(beta.exit()).as(beta.toString()).isZero();
        assertThat(beta.out()).contains("k1");
        assertThat(beta.err()).contains("Warning: " + GROUP + "/v1beta1 Gadget is deprecated");
        Result alpha = KUBECTL.run("-n", NS, "get", "gadgets.v1alpha1." + GROUP, "k1", "-o", "name");
        assertThat(alpha.exit()).as(alpha.toString()).isZero();
        assertThat(alpha.err()).contains("Warning: v1alpha1 gadgets go away in 2.0; use v1");
        Result ga = KUBECTL.run("-n", NS, "get", "gadgets." + GROUP, "k1");
        assertThat(ga.exit()).as(ga.toString()).isZero();
        assertThat(ga.err()).doesNotContain("deprecated");
    }
}
