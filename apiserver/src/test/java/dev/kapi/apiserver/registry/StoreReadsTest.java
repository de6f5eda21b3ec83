package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.IndexMatch;
import dev.kapi.apiserver.storage.Keys;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ReadRevision;
import dev.kapi.apiserver.storage.RecordingStorage;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each get, list and watch of the {@link Store} asks of storage, seen by a recording
 * {@link StorageDecorator} in front of a real embedded store: kube's resourceVersion semantics arrive as
 * {@link ReadRevision}s, and the invalid combinations get kube's 400, 422 and 504 before or instead of a read.
 * In the tables R is a revision the store has passed, F one it has not reached, T a continue token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreReadsTest {

    private static final String NS = "reads";

    @TempDir
    static Path dir;

    private Storage backend;
    private final List<String> decorated = new ArrayList<>();
    private RecordingStorage recording;
    private Store<ConfigMap> store;
    private long r;
    private long f;
    private String token;

    @BeforeAll
    void open() {
        backend = SqliteStorage.open(dir.resolve("reads.db"));
        ResourceRegistry registry = ResourceRegistryTest.builtIns();
        StoreRegistry stores = new StoreRegistry(registry, backend, "/registry", (definition, storage) -> {
            decorated.add(definition.resource());
            if (!definition.resource().equals("configmaps")) {
                return storage;
            }
            recording = new RecordingStorage(storage);
            return recording;
        });
        store = stores.find("", "v1", "configmaps", ConfigMap.class).orElseThrow();
        r = write("a", "1");
        write("a", "2");
        write("b", "1");
        write("c", "1");
        f = backend.currentRevision() + 1000;
        token = store.list(NS, new ListParams<>(null, "", "", 1, null)).continueToken();
    }

    @AfterAll
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @BeforeEach
    void forget() {
        recording.clear();
    }

    /** Writes a ConfigMap straight into storage (reads are what this test is about); returns its revision. */
    private long write(String name, String value) {
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withData(Map.of("v", value)).build();
        String key = Keys.object("/registry", "configmaps", NS, name);
        byte[] bytes = ObjectCodec.encode(cm);
        return backend.guaranteedUpdate(key, dev.kapi.apiserver.storage.Preconditions.NONE, true, c -> bytes)
                .modRevision();
    }

    @Test
    void theDecoratorIsAskedOnceForEveryServedResource() {
        assertThat(decorated).containsExactlyInAnyOrder("namespaces", "configmaps");
    }

    // ---- list ----

    record ListCase(String rv, String match, long limit, String cont, String expected) {
        @Override
        public String toString() {
            return "rv=" + rv + " match=" + match + " limit=" + limit + " continue=" + cont + " -> " + expected;
        }
    }

    static ListCase list(String rv, String match, long limit, String cont, String expected) {
        return new ListCase(rv, match, limit, cont, expected);
    }

    private static final String INVALID = "422 ListOptions.meta.k8s.io \"\" is invalid: ";
    private static final String UNLESS = "resourceVersionMatch: Forbidden: "
            + "resourceVersionMatch is forbidden unless resourceVersion is provided";
    private static final String WITH_CONTINUE = "resourceVersionMatch: Forbidden: "
            + "resourceVersionMatch is forbidden when continue is provided";

    static List<ListCase> lists() {
        return List.of(
                // resourceVersionMatch unset: kube's legacy rules, a limit makes a resourceVersion exact
                list(null, null, 0, null, "MOST_RECENT limit=0"),
                list("", "", 0, null, "MOST_RECENT limit=0"),
                list("0", "", 0, null, "ANY limit=0"),
                list("R", "", 0, null, "NOT_OLDER_THAN R limit=0"),
                list("", "", 2, null, "MOST_RECENT limit=2"),
                list("0", "", 2, null, "ANY limit=2"),
                list("R", "", 2, null, "EXACT R limit=2"),
                list("F", "", 0, null, "504 Timeout: Too large resource version: F, current: C"),
                list("F", "", 2, null, "504 Timeout: Too large resource version: F, current: C"),
                list("", "", 2, "T", "CONTINUE limit=2"),
                list("0", "", 2, "T", "CONTINUE limit=2"),
                list("R", "", 2, "T", "400 specifying resource version is not allowed when using continue"),
                list("", "", 2, "BAD", "400 invalid continue token: continue key is not valid: json: cannot "
                        + "unmarshal array into Go value of type storage.continueToken"),
                list("abc", "", 0, null, "400 invalid resource version: \"abc\""),
                list("-1", "", 2, null, "400 invalid resource version: \"-1\""),
                // NotOlderThan
                list("", "NotOlderThan", 0, null, INVALID + UNLESS),
                list("0", "NotOlderThan", 0, null, "ANY limit=0"),
                list("0", "NotOlderThan", 2, null, "ANY limit=2"),
                list("R", "NotOlderThan", 0, null, "NOT_OLDER_THAN R limit=0"),
                list("R", "NotOlderThan", 2, null, "NOT_OLDER_THAN R limit=2"),
                list("F", "NotOlderThan", 2, null, "504 Timeout: Too large resource version: F, current: C"),
                list("0", "NotOlderThan", 2, "T", INVALID + WITH_CONTINUE),
                // Exact
                list("", "Exact", 0, null, INVALID + UNLESS),
                list("0", "Exact", 0, null, INVALID + "resourceVersionMatch: Forbidden: "
                        + "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""),
                list("R", "Exact", 0, null, "EXACT R limit=0"),
                list("R", "Exact", 2, null, "EXACT R limit=2"),
                list("F", "Exact", 0, null, "504 Timeout: Too large resource version: F, current: C"),
                list("", "Exact", 2, "T", INVALID + "[" + UNLESS + ", " + WITH_CONTINUE + "]"),
                list("R", "Newest", 0, null, INVALID + "resourceVersionMatch: Unsupported value: \"Newest\": "
                        + "supported values: \"Exact\", \"NotOlderThan\", \"\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lists")
    void listReadsWhatTheQueryAsksFor(ListCase c) {
        String cont = c.cont() == null ? null : c.cont().equals("T") ? token : "WzFd"; // BAD: base64 of [1]
        ListParams<ConfigMap> params = new ListParams<>(null, placeholders(c.rv()), c.match(), c.limit(), cont);
        String outcome;
        try {
            ListPage<ConfigMap> page = store.list(NS, params);
            assertThat(recording.calls()).as("one storage read fills the page").hasSize(1);
            ListOptions read = (ListOptions) recording.calls().getFirst().options();
            outcome = read.at().match() + revision(read.at()) + " limit=" + read.limit();
            assertThat(read.continueToken()).isEqualTo(cont);
            if (read.at().match() == ReadRevision.Match.EXACT) {
                assertThat(page.resourceVersion()).isEqualTo(Long.toString(r));
                assertThat(page.items()).extracting(cm -> cm.getData().get("v")).first().isEqualTo("1");
            }
        } catch (StatusError e) {
            outcome = e.code() + " " + e.getMessage();
        }
        assertThat(symbolic(outcome)).isEqualTo(c.expected());
    }

    /** A page the selector thins out is filled by further reads at the first read's revision. */
    @Test
    void aFilteredPageReadsOnByContinueToken() {
        ListParams<ConfigMap> onlyC = new ListParams<>(cm -> cm.getMetadata().getName().equals("c"),
                Long.toString(r), "", 1, null);
        ListPage<ConfigMap> page = store.list(NS, onlyC);
        assertThat(page.items()).isEmpty(); // c was written after R
        assertThat(page.resourceVersion()).isEqualTo(Long.toString(r));
        assertThat(recording.calls()).extracting(call -> ((ListOptions) call.options()).at().match())
                .containsExactly(ReadRevision.Match.EXACT);

        recording.clear();
        ListPage<ConfigMap> latest = store.list(NS, new ListParams<>(onlyC.filter(), "", "", 1, null));
        assertThat(latest.items()).extracting(cm -> cm.getMetadata().getName()).containsExactly("c");
        assertThat(recording.calls()).extracting(call -> ((ListOptions) call.options()).at().match())
                .containsExactly(ReadRevision.Match.MOST_RECENT, ReadRevision.Match.CONTINUE);
        assertThat(recording.calls()).extracting(call -> ((ListOptions) call.options()).limit())
                .as("the second read twice as large").containsExactly(1L, 2L);
    }

    /**
     * A selector matching little costs a few reads, not one per object: each further read is twice as large (up to
     * kube's 10,000), and a page that outgrows the limit is cut after its last item taken, so paging on skips and
     * repeats nothing.
     */
    @Test
    void filteredPagesGrowAndContinueAfterTheLastItemTaken() {
        for (int i = 0; i < 200; i++) {
            ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(String.format("m%03d", i))
                    .withNamespace("many").endMetadata().build();
            byte[] bytes = ObjectCodec.encode(cm);
            backend.guaranteedUpdate(Keys.object("/registry", "configmaps", "many", cm.getMetadata().getName()),
                    dev.kapi.apiserver.storage.Preconditions.NONE, true, c -> bytes);
        }
        recording.clear();
        ListPage<ConfigMap> none = store.list("many", new ListParams<>(cm -> false, "", "", 1, null));
        assertThat(none.items()).isEmpty();
        assertThat(none.continueToken()).isNull();
        assertThat(recording.calls()).as("1, 2, 4, ... 128 items a read: 255 of 200").hasSize(8);

        ListParams<ConfigMap> thirds = new ListParams<>(cm -> Integer.parseInt(cm.getMetadata().getName().substring(1))
                % 3 == 0, "", "", 5, null);
        List<String> paged = new ArrayList<>();
        String cont = null;
        do {
            ListPage<ConfigMap> page = store.list("many", new ListParams<>(thirds.filter(), "", "", 5, cont));
            assertThat(page.items().size()).isLessThanOrEqualTo(5);
            page.items().forEach(cm -> paged.add(cm.getMetadata().getName()));
            cont = page.continueToken();
        } while (cont != null);
        List<String> all = store.list("many", new ListParams<>(thirds.filter(), "", "", 0, null)).items().stream()
                .map(cm -> cm.getMetadata().getName()).toList();
        assertThat(all).hasSize(67);
        assertThat(paged).isEqualTo(all);
    }

    /** A filter pinning {@code field} to {@code value} (as a field selector's {@code field=value} does). */
    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> FieldPinningFilter<T> pinning(
            String field, String value) {
        return new FieldPinningFilter<>() {
            @Override
            public boolean test(T obj) {
                return true;
            }

            @Override
            public String pinned(String f) {
                return f.equals(field) ? value : null;
            }
        };
    }

    /** kube's MatchesSingleNamespace: a cluster-wide list pinned to one namespace reads only its keys. */
    @Test
    void aClusterWideListPinnedToOneNamespaceReadsOnlyThatNamespace() {
        ListPage<ConfigMap> page = store.list(null, new ListParams<>(pinning("metadata.namespace", NS), "", "", 0, null));
        assertThat(page.items()).hasSize(3);
        assertThat(recording.calls()).extracting(RecordingStorage.Call::key)
                .containsExactly("/registry/configmaps/" + NS + "/");

        recording.clear(); // not a namespace name: the whole resource is read (and the filter decides)
        store.list(null, new ListParams<>(pinning("metadata.namespace", "../x"), "", "", 0, null));
        assertThat(recording.calls()).extracting(RecordingStorage.Call::key).containsExactly("/registry/configmaps/");
    }

    /** A pinned indexed field (like pods' spec.nodeName) reaches storage as an index hint; other fields do not. */
    @Test
    void aPinnedIndexedFieldIsAnIndexHint() {
        ResourceStrategy<ConfigMap> indexed = new ResourceStrategy<>() {
            @Override
            public List<String> indexedFields() {
                return List.of("data.node");
            }
        };
        List<RecordingStorage> widgets = new ArrayList<>();
        StoreRegistry stores = new StoreRegistry(new ResourceRegistry(List.of(ResourceDefinition.builder(
                "", "v1", "widgets", "Widget", ConfigMap.class).strategy(indexed).build())), backend, "/registry",
                (d, s) -> {
                    widgets.add(new RecordingStorage(s));
                    return widgets.getLast();
                });
        Store<ConfigMap> widgetStore = stores.find("", "v1", "widgets", ConfigMap.class).orElseThrow();
        widgetStore.list(NS, new ListParams<>(pinning("data.node", "node-1"), "", "", 0, null));
        widgetStore.list(NS, new ListParams<>(pinning("data.other", "x"), "", "", 0, null));
        widgetStore.list(NS, new ListParams<>(null, "", "", 0, null));
        assertThat(widgets.getFirst().calls()).extracting(call -> ((ListOptions) call.options()).index())
                .containsExactly(new IndexMatch("data.node", "node-1"), null, null);
    }

    // ---- get ----

    record GetCase(String name, String rv, String expected) {
        @Override
        public String toString() {
            return name + " rv=" + rv + " -> " + expected;
        }
    }

    static List<GetCase> gets() {
        return List.of(
                new GetCase("a", null, "MOST_RECENT"),
                new GetCase("a", "", "MOST_RECENT"),
                new GetCase("a", "0", "ANY"),
                new GetCase("a", "R", "NOT_OLDER_THAN R"),
                new GetCase("a", "F", "504 Timeout: Too large resource version: F, current: C"),
                new GetCase("a", "abc", "400 invalid resource version: \"abc\""),
                new GetCase("missing", "", "404 configmaps \"missing\" not found"),
                new GetCase("missing", "R", "404 configmaps \"missing\" not found"),
                // kube checks the resourceVersion before it looks for the object
                new GetCase("missing", "F", "504 Timeout: Too large resource version: F, current: C"),
                new GetCase("missing", "abc", "400 invalid resource version: \"abc\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gets")
    void getReadsWhatTheQueryAsksFor(GetCase c) {
        String outcome;
        try {
            ConfigMap cm = store.get(NS, c.name(), placeholders(c.rv()));
            assertThat(cm.getData()).containsEntry("v", "2");
            assertThat(recording.calls()).hasSize(1);
            GetOptions read = (GetOptions) recording.calls().getFirst().options();
            outcome = read.at().match() + revision(read.at());
        } catch (StatusError e) {
            outcome = e.code() + " " + e.getMessage();
        }
        assertThat(symbolic(outcome)).isEqualTo(c.expected());
    }

    @Test
    void getWithoutResourceVersionIsTheMostRecentRead() {
        store.get(NS, "a");
        assertThat(recording.calls()).singleElement()
                .satisfies(call -> assertThat(call.options()).isEqualTo(GetOptions.MOST_RECENT));
    }

    // ---- watch: unchanged, it reads the current state at the most recent revision when it sends it ----

    record WatchCase(String rv, String match, Boolean sendInitialEvents, String expected) {
        @Override
        public String toString() {
            return "rv=" + rv + " match=" + match + " sendInitialEvents=" + sendInitialEvents + " -> " + expected;
        }
    }

    static List<WatchCase> watches() {
        return List.of(
                new WatchCase("", "", null, "list MOST_RECENT, watch from the list's revision"),
                new WatchCase("0", "", null, "list MOST_RECENT, watch from the list's revision"),
                new WatchCase("R", "", null, "watch from R"),
                new WatchCase("", "NotOlderThan", true, "list MOST_RECENT, watch from the list's revision"),
                new WatchCase("R", "NotOlderThan", false, "watch from R"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("watches")
    void watchStartsWhereItDidBefore(WatchCase c) {
        WatchParams<ConfigMap> params = new WatchParams<>(null, placeholders(c.rv()), c.match(), true,
                c.sendInitialEvents());
        try (StoreWatch<ConfigMap> ignored = store.watcher().open(NS, params)) {
            List<RecordingStorage.Call> calls = recording.calls();
            String outcome;
            if (calls.size() == 2 && calls.get(0).op().equals("list")) {
                ListOptions list = (ListOptions) calls.get(0).options();
                assertThat(list).isEqualTo(ListOptions.ALL);
                long listed = backend.currentRevision(); // nothing is written meanwhile
                assertThat(((WatchOptions) calls.get(1).options()).fromRevision()).isEqualTo(listed);
                outcome = "list " + list.at().match() + ", watch from the list's revision";
            } else {
                assertThat(calls).extracting(RecordingStorage.Call::op).containsExactly("watch");
                long from = ((WatchOptions) calls.get(0).options()).fromRevision();
                outcome = "watch from " + (from == r ? "R" : Long.toString(from));
            }
            assertThat(symbolic(outcome)).isEqualTo(c.expected());
        }
    }

    private String placeholders(String rv) {
        if (rv == null) {
            return null;
        }
        return rv.equals("R") ? Long.toString(r) : rv.equals("F") ? Long.toString(f) : rv;
    }

    /** " R", " F" or " N" for a bound read, "" for the others. */
    private String revision(ReadRevision at) {
        long n = at.revision();
        return n == 0 ? "" : n == r ? " R" : n == f ? " F" : " " + n;
    }

    /** The outcome with kube's too-large message written with F and C (the store's current revision). */
    private String symbolic(String outcome) {
        return outcome.replace("Too large resource version: " + f + ", current: " + backend.currentRevision(),
                "Too large resource version: F, current: C");
    }
}
