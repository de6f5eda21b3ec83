package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import dev.kapi.apiserver.e2e.KubeHttp.WatchStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** Lists (paging, resourceVersionMatch) and watches over raw HTTP, each test in its own namespace. */
@ExtendWith(KapiServerExtension.class)
class HttpListWatchIT {

    private static final String PREFIX = "e2e-lw-";

    private static String cms(String ns) {
        return "/api/v1/namespaces/" + ns + "/configmaps";
    }

    private static String ns(String suffix) {
        String ns = PREFIX + suffix;
        KubeHttp.createNamespace(ns);
        return ns;
    }

    private static String create(String ns, String name, String labels) {
        Reply r = KubeHttp.post(cms(ns), "{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{" + labels
                + "}},\"data\":{\"k\":\"v\"}}");
        assertThat(r.code()).as(r.toString()).isEqualTo(201);
        return r.json().path("metadata").path("resourceVersion").asString();
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.path("items").forEach(i -> out.add(i.path("metadata").path("name").asString()));
        return out;
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asString() + " "
                + e.path("object").path("metadata").path("name").asString()).toList();
    }

    @BeforeAll
    static void warmUp() {
        KapiServerExtension.server();
    }

    @Test
    void pagesWithLimitAndContinue() {
        String ns = ns("paging");
        for (int i = 0; i < 5; i++) {
            create(ns, "page-" + i, "");
        }
        List<String> seen = new ArrayList<>();
        String cont = "";
        int pages = 0;
        do {
            Reply r = KubeHttp.get(cms(ns) + "?limit=2" + (cont.isEmpty() ? "" : "&continue=" + cont));
            assertThat(r.code()).as(r.toString()).isEqualTo(200);
            JsonNode list = r.json();
            assertThat(list.path("items").size()).isLessThanOrEqualTo(2);
            assertThat(list.path("kind").asString()).isEqualTo("ConfigMapList");
            assertThat(list.path("items")).allSatisfy(item -> { // kube's built-in lists: the type only on the list
                assertThat(item.has("kind")).isFalse();
                assertThat(item.has("apiVersion")).isFalse();
            });
            seen.addAll(names(list));
            cont = list.path("metadata").path("continue").asString("");
            pages++;
            if (!cont.isEmpty()) {
                assertThat(list.path("metadata").path("remainingItemCount").asLong()).isPositive();
            }
        } while (!cont.isEmpty() && pages < 10);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly("page-0", "page-1", "page-2", "page-3", "page-4");
    }

    @Test
    void listsAtExactResourceVersion() {
        String ns = ns("exact");
        String rv = create(ns, "first", "");
        create(ns, "second", "");

        Reply exact = KubeHttp.get(cms(ns) + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact");
        assertThat(exact.code()).as(exact.toString()).isEqualTo(200);
        assertThat(names(exact.json())).containsExactly("first");
        assertThat(exact.json().path("metadata").path("resourceVersion").asString()).isEqualTo(rv);

        Reply now = KubeHttp.get(cms(ns));
        assertThat(names(now.json())).containsExactly("first", "second");

        Reply missingRv = KubeHttp.get(cms(ns) + "?resourceVersionMatch=Exact");
        assertThat(missingRv.code()).as(missingRv.toString()).isEqualTo(422);
    }

    @Test
    void watchFromResourceVersionIsExclusive() {
        String ns = ns("from-rv");
        String rv = create(ns, "before", "");
        create(ns, "after", "");
        try (WatchStream w = KubeHttp.watch(cms(ns) + "?watch=true&resourceVersion=" + rv)) {
            assertThat(w.code()).isEqualTo(200);
            assertThat(w.response().headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(types(w.next(1, 10))).containsExactly("ADDED after");
            assertThat(w.drain(300)).isEmpty();
        }
    }

    @Test
    void watchFromZeroSendsExistingThenChanges() {
        String ns = ns("from-zero");
        create(ns, "one", "");
        create(ns, "two", "");
        try (WatchStream w = KubeHttp.watch(cms(ns) + "?watch=true&resourceVersion=0")) {
            assertThat(types(w.next(2, 10))).containsExactlyInAnyOrder("ADDED one", "ADDED two");
            KubeHttp.patch(cms(ns) + "/one", "application/merge-patch+json", "{\"data\":{\"k\":\"w\"}}");
            KubeHttp.delete(cms(ns) + "/two");
            assertThat(types(w.next(2, 10))).containsExactly("MODIFIED one", "DELETED two");
        }
    }

    @Test
    void watchWithLabelSelectorSendsDeletedWhenObjectStopsMatching() {
        String ns = ns("selector");
        try (WatchStream w = KubeHttp.watch(cms(ns) + "?watch=true&labelSelector=app%3Dweb")) {
            create(ns, "labelled", "\"app\":\"web\"");
            create(ns, "other", "\"app\":\"db\"");
            assertThat(types(w.next(1, 10))).containsExactly("ADDED labelled");
            KubeHttp.patch(cms(ns) + "/labelled", "application/merge-patch+json",
                    "{\"metadata\":{\"labels\":{\"app\":\"api\"}}}");
            assertThat(types(w.next(1, 10))).containsExactly("DELETED labelled");
            KubeHttp.patch(cms(ns) + "/other", "application/merge-patch+json",
                    "{\"metadata\":{\"labels\":{\"app\":\"web\"}}}");
            assertThat(types(w.next(1, 10))).containsExactly("ADDED other");
        }
    }

    @Test
    void watchWithBookmarksAllowedStillStreamsEvents() {
        String ns = ns("bookmarks");
        String rv = create(ns, "seed", "");
        try (WatchStream w = KubeHttp.watch(cms(ns) + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + rv)) {
            assertThat(w.code()).isEqualTo(200);
            create(ns, "later", "");
            JsonNode e = w.next(10);
            while (e != null && e.path("type").asString().equals("BOOKMARK")) {
                assertThat(e.path("object").path("metadata").path("resourceVersion").asString()).isNotEmpty();
                e = w.next(10);
            }
            assertThat(e).isNotNull();
            assertThat(e.path("type").asString()).isEqualTo("ADDED");
            assertThat(e.path("object").path("metadata").path("name").asString()).isEqualTo("later");
        }
    }

    @Test
    void sendInitialEventsEndsWithAnnotatedBookmark() {
        String ns = ns("initial");
        create(ns, "a", "");
        create(ns, "b", "");
        try (WatchStream w = KubeHttp.watch(cms(ns) + "?watch=true&sendInitialEvents=true"
                + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")) {
            assertThat(w.code()).isEqualTo(200);
            List<JsonNode> events = w.next(3, 10);
            assertThat(types(events.subList(0, Math.min(2, events.size()))))
                    .containsExactlyInAnyOrder("ADDED a", "ADDED b");
            assertThat(events).hasSize(3);
            JsonNode bookmark = events.get(2);
            assertThat(bookmark.path("type").asString()).isEqualTo("BOOKMARK");
            assertThat(bookmark.path("object").path("metadata").path("annotations")
                    .path("k8s.io/initial-events-end").asString()).isEqualTo("true");
            assertThat(bookmark.path("object").path("metadata").path("resourceVersion").asString()).isNotEmpty();
        }
    }

    @Test
    void watchWithWebSocketUpgradeHeadersIsServedOverWebSocket() throws Exception {
        String ns = ns("upgrade");
        create(ns, "present", "");
        // fabric8 watches over WebSocket by default: the server upgrades and sends one event per message
        KapiServer server = KapiServerExtension.server();
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .sslContext(server.sslContext(server.adminCert())).build();
        List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        java.net.URI uri = java.net.URI.create(server.baseUri().toString().replaceFirst("^https", "wss")
                + cms(ns) + "?watch=true&resourceVersion=0&timeoutSeconds=2");
        client.newWebSocketBuilder().buildAsync(uri, new java.net.http.WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data,
                                                                   boolean last) {
                messages.add(data.toString());
                ws.request(1);
                return null;
            }

            @Override
            public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int status,
                                                                    String reason) {
                closed.complete(status);
                return null;
            }
        }).get(15, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(closed.get(15, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(String.join("", messages)).contains("\"type\":\"ADDED\"").contains("\"name\":\"present\"");
    }
}
