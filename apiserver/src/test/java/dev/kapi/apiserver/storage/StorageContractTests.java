package dev.kapi.apiserver.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.StorageException.Code;
import dev.kapi.apiserver.storage.WatchEvent.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link Storage} backend must show, in the spirit of kube-apiserver's
 * {@code pkg/storage/testing}. A backend test extends this class and supplies a fresh storage; only the
 * SPI is used here. Each test works under its own random prefix, so a shared backend is fine.
 * The backend must send PROGRESS on quiet watches within {@link #progressWait()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StorageContractTests {

    private static final Duration WAIT = Duration.ofSeconds(5);

    protected Storage storage;
    private final String root = "/c-" + UUID.randomUUID();
    private String prefix;

    /** A new storage for this class; closed after all tests. */
    protected abstract Storage newStorage();

    /** How long a quiet watch with progressNotify may wait for a PROGRESS event. */
    protected Duration progressWait() {
        return Duration.ofSeconds(8);
    }

    @BeforeAll
    void openStorage() {
        storage = newStorage();
    }

    @AfterAll
    void closeStorage() {
        storage.close();
    }

    @BeforeEach
    void newPrefix() {
        prefix = root + "/" + UUID.randomUUID().toString().substring(0, 8) + "/";
    }

    private String key(String name) {
        return prefix + name;
    }

    private static byte[] value(String name, String uid, String data) {
        return ("{\"metadata\":{\"name\":\"" + name + "\",\"uid\":\"" + uid + "\"},\"data\":\"" + data + "\"}")
                .getBytes(UTF_8);
    }

    private static byte[] value(String data) {
        return data.getBytes(UTF_8);
    }

    private static String text(KeyValue kv) {
        return new String(kv.value(), UTF_8);
    }

    private static Code codeOf(Runnable call) {
        try {
            call.run();
        } catch (StorageException e) {
            return e.code();
        }
        return null;
    }

    // ---- create / get ----

    @Test
    void createStoresOnceThenKeyExists() {
        KeyValue created = storage.create(key("a"), value("one"));
        assertThat(created.createRevision()).isPositive().isEqualTo(created.modRevision());
        assertThat(storage.get(key("a"))).satisfies(kv -> {
            assertThat(text(kv)).isEqualTo("one");
            assertThat(kv.modRevision()).isEqualTo(created.modRevision());
            assertThat(kv.createRevision()).isEqualTo(created.createRevision());
        });
        assertThat(codeOf(() -> storage.create(key("a"), value("two")))).isEqualTo(Code.KEY_EXISTS);
        assertThat(text(storage.get(key("a")))).isEqualTo("one");
        assertThat(storage.currentRevision()).isGreaterThanOrEqualTo(created.modRevision());
    }

    @Test
    void getOfAbsentKeyIsNotFound() {
        assertThatThrownBy(() -> storage.get(key("missing")))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.KEY_NOT_FOUND);
                    assertThat(e.key()).isEqualTo(key("missing"));
                });
    }

    @Test
    void valueTooLargeIsRefused() {
        byte[] big = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        assertThat(codeOf(() -> storage.create(key("big"), big))).isEqualTo(Code.TOO_LARGE);
        assertThat(codeOf(() -> storage.get(key("big")))).isEqualTo(Code.KEY_NOT_FOUND);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b"})
    void keysRejectUnsafeSegments(String segment) {
        assertThatThrownBy(() -> Keys.object("/registry", "pods", "default", segment))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Keys.object("/registry", "pods", segment, "name"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Keys.listPrefix("/registry", segment, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- delete ----

    static Stream<Arguments> deleteCases() {
        return Stream.of(
                Arguments.of("no preconditions", (PreconditionsFor) kv -> Preconditions.NONE, null),
                Arguments.of("matching uid", (PreconditionsFor) kv -> Preconditions.uid("uid-1"), null),
                Arguments.of("wrong uid", (PreconditionsFor) kv -> Preconditions.uid("other"), Code.CONFLICT),
                Arguments.of("matching resourceVersion",
                        (PreconditionsFor) kv -> Preconditions.resourceVersion(kv.modRevision()), null),
                Arguments.of("stale resourceVersion",
                        (PreconditionsFor) kv -> Preconditions.resourceVersion(kv.modRevision() - 1), Code.CONFLICT),
                Arguments.of("both matching",
                        (PreconditionsFor) kv -> new Preconditions("uid-1", kv.modRevision()), null));
    }

    /** Preconditions computed from the stored entry. */
    interface PreconditionsFor {
        Preconditions of(KeyValue stored);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deleteCases")
    void deleteChecksPreconditions(String name, PreconditionsFor preconditions, Code expected) {
        KeyValue stored = storage.create(key("d"), value("d", "uid-1", "x"));
        Code actual = codeOf(() -> {
            KeyValue deleted = storage.delete(key("d"), preconditions.of(stored));
            assertThat(deleted.value()).isEqualTo(stored.value());
            assertThat(deleted.createRevision()).isEqualTo(stored.createRevision());
            assertThat(deleted.modRevision()).isGreaterThan(stored.modRevision());
            assertThat(storage.currentRevision()).isGreaterThanOrEqualTo(deleted.modRevision());
        });
        assertThat(actual).isEqualTo(expected);
        if (expected == null) {
            assertThat(codeOf(() -> storage.get(key("d")))).isEqualTo(Code.KEY_NOT_FOUND);
        } else {
            assertThat(storage.get(key("d")).modRevision()).isEqualTo(stored.modRevision());
        }
    }

    @Test
    void deleteOfAbsentKeyIsNotFound() {
        assertThat(codeOf(() -> storage.delete(key("none"), Preconditions.NONE))).isEqualTo(Code.KEY_NOT_FOUND);
    }

    // ---- guaranteedUpdate ----

    static Stream<Arguments> updateCases() {
        return Stream.of(
                Arguments.of("no preconditions", (PreconditionsFor) kv -> Preconditions.NONE, null),
                Arguments.of("matching uid", (PreconditionsFor) kv -> Preconditions.uid("uid-1"), null),
                Arguments.of("wrong uid", (PreconditionsFor) kv -> Preconditions.uid("uid-2"), Code.CONFLICT),
                Arguments.of("matching resourceVersion",
                        (PreconditionsFor) kv -> Preconditions.resourceVersion(kv.modRevision()), null),
                Arguments.of("stale resourceVersion",
                        (PreconditionsFor) kv -> Preconditions.resourceVersion(kv.modRevision() - 1), Code.CONFLICT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updateCases")
    void guaranteedUpdateChecksPreconditions(String name, PreconditionsFor preconditions, Code expected) {
        KeyValue stored = storage.create(key("u"), value("u", "uid-1", "old"));
        Code actual = codeOf(() -> {
            KeyValue updated = storage.guaranteedUpdate(key("u"), preconditions.of(stored), false,
                    current -> value("u", "uid-1", "new"));
            assertThat(updated.modRevision()).isGreaterThan(stored.modRevision());
            assertThat(updated.createRevision()).isEqualTo(stored.createRevision());
        });
        assertThat(actual).isEqualTo(expected);
        KeyValue now = storage.get(key("u"));
        assertThat(text(now)).contains(expected == null ? "\"new\"" : "\"old\"");
    }

    @Test
    void guaranteedUpdateOfAbsentKey() {
        assertThat(codeOf(() -> storage.guaranteedUpdate(key("n"), Preconditions.NONE, false, c -> value("x"))))
                .isEqualTo(Code.KEY_NOT_FOUND);
        List<KeyValue> offered = new ArrayList<>();
        KeyValue created = storage.guaranteedUpdate(key("n"), Preconditions.NONE, true, current -> {
            offered.add(current);
            return value("made");
        });
        assertThat(offered).containsExactly((KeyValue) null);
        assertThat(created.createRevision()).isEqualTo(created.modRevision());
        assertThat(text(storage.get(key("n")))).isEqualTo("made");
    }

    @Test
    void guaranteedUpdateWithEqualBytesWritesNothing() {
        KeyValue stored = storage.create(key("same"), value("v"));
        KeyValue result = storage.guaranteedUpdate(key("same"), Preconditions.NONE, false, c -> c.value().clone());
        assertThat(result.modRevision()).isEqualTo(stored.modRevision());
        assertThat(storage.get(key("same")).modRevision()).isEqualTo(stored.modRevision());
    }

    @Test
    void guaranteedUpdateErrorOfTheFunctionPassesThrough() {
        storage.create(key("f"), value("v"));
        assertThatThrownBy(() -> storage.guaranteedUpdate(key("f"), Preconditions.NONE, false, c -> {
            throw new IllegalStateException("refused");
        })).isInstanceOf(IllegalStateException.class).hasMessage("refused");
    }

    // ---- writes starting from a cached entry (kube's cachedExistingObject) ----

    /** A key written twice: the first entry (now stale) and the current one. */
    private KeyValue[] staleAndCurrent(String name) {
        KeyValue stale = storage.create(key(name), value(name, "uid-1", "v1"));
        KeyValue current = storage.guaranteedUpdate(key(name), Preconditions.NONE, false,
                c -> value(name, "uid-1", "v2"));
        return new KeyValue[] {stale, current};
    }

    @Test
    void guaranteedUpdateFromAStaleCachedEntryEndsOnTheCurrentValue() {
        KeyValue[] entries = staleAndCurrent("s1");
        KeyValue updated = storage.guaranteedUpdate(key("s1"), Preconditions.NONE, false,
                c -> (text(c) + "+").getBytes(UTF_8), entries[0]);
        assertThat(text(updated)).isEqualTo(text(entries[1]) + "+");
        assertThat(updated.modRevision()).isGreaterThan(entries[1].modRevision());
        assertThat(text(storage.get(key("s1")))).isEqualTo(text(entries[1]) + "+");
    }

    @Test
    void guaranteedUpdateFromAStaleCachedEntryWritesWhatEqualsOnlyTheStaleValue() {
        KeyValue[] entries = staleAndCurrent("s2");
        KeyValue updated = storage.guaranteedUpdate(key("s2"), Preconditions.NONE, false,
                c -> entries[0].value().clone(), entries[0]);
        assertThat(updated.modRevision()).isGreaterThan(entries[1].modRevision());
        assertThat(storage.get(key("s2")).value()).isEqualTo(entries[0].value());
    }

    @Test
    void guaranteedUpdateFromAStaleCachedEntryChecksPreconditionsAndTheFunctionOnTheCurrentValue() {
        KeyValue[] entries = staleAndCurrent("s3");
        List<String> offered = new ArrayList<>();
        KeyValue updated = storage.guaranteedUpdate(key("s3"),
                Preconditions.resourceVersion(entries[1].modRevision()), false, c -> {
                    offered.add(text(c));
                    if (text(c).contains("v1")) {
                        throw new StorageException(Code.CONFLICT, key("s3"), "stale");
                    }
                    return value("s3", "uid-1", "v3");
                }, entries[0]);
        assertThat(text(updated)).contains("v3");
        assertThat(offered).last().asString().contains("v2");
        assertThat(codeOf(() -> storage.guaranteedUpdate(key("s3"),
                Preconditions.resourceVersion(entries[0].modRevision()), false, c -> value("x"), entries[0])))
                .isEqualTo(Code.CONFLICT);
        assertThat(text(storage.get(key("s3")))).contains("v3");
    }

    @Test
    void guaranteedUpdateFromACurrentCachedEntryRunsTheFunctionOnceWhenItFailsOrChangesNothing() {
        KeyValue current = storage.create(key("s8"), value("v"));
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        assertThatThrownBy(() -> storage.guaranteedUpdate(key("s8"), Preconditions.NONE, false, c -> {
            calls.incrementAndGet();
            throw new IllegalStateException("refused");
        }, current)).hasMessage("refused");
        assertThat(calls.get()).isEqualTo(1);
        KeyValue same = storage.guaranteedUpdate(key("s8"), Preconditions.NONE, false, c -> {
            calls.incrementAndGet();
            return c.value().clone();
        }, current);
        assertThat(calls.get()).isEqualTo(2);
        assertThat(same.modRevision()).isEqualTo(current.modRevision());
        assertThat(storage.get(key("s8")).modRevision()).isEqualTo(current.modRevision());
    }

    @Test
    void writesFromACachedEntryOfADeletedKeyAreNotFound() {
        KeyValue gone = storage.create(key("s4"), value("v"));
        storage.delete(key("s4"), Preconditions.NONE);
        assertThat(codeOf(() -> storage.guaranteedUpdate(key("s4"), Preconditions.NONE, false, c -> value("w"),
                gone))).isEqualTo(Code.KEY_NOT_FOUND);
        assertThat(codeOf(() -> storage.delete(key("s4"), Preconditions.NONE, gone))).isEqualTo(Code.KEY_NOT_FOUND);
        assertThat(codeOf(() -> storage.get(key("s4")))).isEqualTo(Code.KEY_NOT_FOUND);
    }

    @Test
    void deleteFromAStaleCachedEntryDeletesAndAnswersTheCurrentValue() {
        KeyValue[] entries = staleAndCurrent("s5");
        KeyValue deleted = storage.delete(key("s5"), Preconditions.resourceVersion(entries[1].modRevision()),
                entries[0]);
        assertThat(deleted.value()).isEqualTo(entries[1].value());
        assertThat(codeOf(() -> storage.get(key("s5")))).isEqualTo(Code.KEY_NOT_FOUND);
        KeyValue[] again = staleAndCurrent("s6");
        assertThat(storage.delete(key("s6"), Preconditions.NONE, again[0]).value()).isEqualTo(again[1].value());
        KeyValue[] kept = staleAndCurrent("s7");
        assertThat(codeOf(() -> storage.delete(key("s7"), Preconditions.resourceVersion(kept[0].modRevision()),
                kept[0]))).isEqualTo(Code.CONFLICT);
        assertThat(storage.get(key("s7")).modRevision()).isEqualTo(kept[1].modRevision());
    }

    @Test
    void parallelIncrementsAllCount() throws Exception {
        int writers = 16;
        storage.create(key("counter"), value("0"));
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<KeyValue>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                results.add(pool.submit(() -> storage.guaranteedUpdate(key("counter"), Preconditions.NONE, false,
                        current -> value(String.valueOf(Integer.parseInt(text(current)) + 1)))));
            }
            for (Future<KeyValue> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(text(storage.get(key("counter")))).isEqualTo(String.valueOf(writers));
    }

    // ---- list ----

    @Test
    void listPagesAtOneRevision() {
        for (String name : List.of("a", "b", "c", "d", "e")) {
            storage.create(key(name), value(name + "1"));
        }
        ListResult first = storage.list(prefix, ListOptions.limit(2));
        assertThat(first.items()).extracting(KeyValue::key).containsExactly(key("a"), key("b"));
        assertThat(first.remainingItemCount()).isEqualTo(3);
        assertThat(first.continueToken()).isNotNull();

        storage.create(key("bb"), value("new"));
        storage.guaranteedUpdate(key("c"), Preconditions.NONE, false, c -> value("c2"));
        storage.delete(key("d"), Preconditions.NONE);

        ListResult second = storage.list(prefix, ListOptions.continueFrom(first.continueToken(), 2));
        assertThat(second.revision()).isEqualTo(first.revision());
        assertThat(second.items()).extracting(StorageContractTests::text).containsExactly("c1", "d1");
        assertThat(second.remainingItemCount()).isEqualTo(1);
        ListResult third = storage.list(prefix, ListOptions.continueFrom(second.continueToken(), 2));
        assertThat(third.items()).extracting(StorageContractTests::text).containsExactly("e1");
        assertThat(third.continueToken()).isNull();
        assertThat(third.revision()).isEqualTo(first.revision());

        ListResult latest = storage.list(prefix, ListOptions.ALL);
        assertThat(latest.items()).extracting(StorageContractTests::text).containsExactly("a1", "b1", "new", "c2", "e1");
        assertThat(latest.continueToken()).isNull();
        assertThat(latest.revision()).isGreaterThan(first.revision());
    }

    @Test
    void listMatchesOnlyItsPrefix() {
        String a = prefix + "a/";
        storage.create(a + "x", value("x"));
        storage.create(prefix + "ab/y", value("y"));
        storage.create(prefix + "a", value("z"));
        assertThat(storage.list(a, ListOptions.ALL).items()).extracting(KeyValue::key).containsExactly(a + "x");
        assertThat(storage.list(prefix + "ab/", ListOptions.ALL).items()).hasSize(1);
        assertThat(storage.list(prefix, ListOptions.ALL).items()).hasSize(3);
    }

    @Test
    void listAtAnExactOldRevision() {
        KeyValue a1 = storage.create(key("a"), value("a1"));
        // its own revision, not a1's + 1: other tests may write to the same store in between
        KeyValue a2 = storage.guaranteedUpdate(key("a"), Preconditions.NONE, false, c -> value("a2"));
        storage.create(key("b"), value("b1"));
        ListResult old = storage.list(prefix, ListOptions.exact(a1.modRevision(), 0));
        assertThat(old.revision()).isEqualTo(a1.modRevision());
        assertThat(old.items()).extracting(StorageContractTests::text).containsExactly("a1");
        ListResult paged = storage.list(prefix, ListOptions.exact(a2.modRevision(), 1));
        assertThat(paged.items()).extracting(StorageContractTests::text).containsExactly("a2");
        assertThat(paged.continueToken()).isNull();
    }

    @Test
    void listAtAFutureRevisionIsTooLarge() {
        long future = storage.currentRevision() + 1000;
        assertThat(codeOf(() -> storage.list(prefix, ListOptions.exact(future, 0))))
                .isEqualTo(Code.TOO_LARGE_RESOURCE_VERSION);
    }

    @Test
    void listAtEachReadRevision() {
        KeyValue a1 = storage.create(key("a"), value("a1"));
        storage.guaranteedUpdate(key("a"), Preconditions.NONE, false, c -> value("a2"));
        storage.create(key("b"), value("b1"));
        long now = storage.currentRevision();
        for (ReadRevision latest : List.of(ReadRevision.MOST_RECENT, ReadRevision.ANY,
                ReadRevision.notOlderThan(a1.modRevision()), ReadRevision.notOlderThan(now))) {
            ListResult page = storage.list(prefix, new ListOptions(latest, 0, null));
            assertThat(page.items()).as(latest.toString()).extracting(StorageContractTests::text)
                    .containsExactly("a2", "b1");
            assertThat(page.revision()).as(latest.toString()).isGreaterThanOrEqualTo(now);
        }
        ListResult old = storage.list(prefix, new ListOptions(ReadRevision.exact(a1.modRevision()), 1, null));
        assertThat(old.items()).extracting(StorageContractTests::text).containsExactly("a1");
        assertThat(old.revision()).isEqualTo(a1.modRevision());
    }

    @Test
    void listNotOlderThanOrExactlyAtAFutureRevisionIsTooLarge() {
        storage.create(key("a"), value("a1"));
        long before = storage.currentRevision();
        long future = before + 1000;
        for (ReadRevision ahead : List.of(ReadRevision.notOlderThan(future), ReadRevision.exact(future))) {
            assertThatThrownBy(() -> storage.list(prefix, new ListOptions(ahead, 0, null)))
                    .as(ahead.toString()).isInstanceOfSatisfying(StorageException.class,
                            e -> assertTooLarge(e, future, before));
        }
    }

    @Test
    void getAtEachReadRevision() {
        KeyValue a1 = storage.create(key("a"), value("a1"));
        KeyValue a2 = storage.guaranteedUpdate(key("a"), Preconditions.NONE, false, c -> value("a2"));
        for (GetOptions options : List.of(GetOptions.MOST_RECENT, GetOptions.ANY,
                GetOptions.notOlderThan(a1.modRevision()), GetOptions.notOlderThan(storage.currentRevision()))) {
            KeyValue read = storage.get(key("a"), options);
            assertThat(text(read)).as(options.toString()).isEqualTo("a2");
            assertThat(read.modRevision()).as(options.toString()).isEqualTo(a2.modRevision());
        }
        assertThat(codeOf(() -> storage.get(key("missing"), GetOptions.ANY))).isEqualTo(Code.KEY_NOT_FOUND);
    }

    /** kube's etcd3 store checks the revision before the key: a future minimum is too large even for no key. */
    @Test
    void getNotOlderThanAFutureRevisionIsTooLargeBeforeTheKeyIsLookedAt() {
        storage.create(key("a"), value("a1"));
        long before = storage.currentRevision();
        long future = before + 1000;
        for (String k : List.of(key("a"), key("missing"))) {
            assertThatThrownBy(() -> storage.get(k, GetOptions.notOlderThan(future))).as(k)
                    .isInstanceOfSatisfying(StorageException.class, e -> assertTooLarge(e, future, before));
        }
    }

    /** Code TOO_LARGE_RESOURCE_VERSION with kube's message, whose current revision is the store's then. */
    private static void assertTooLarge(StorageException e, long requested, long before) {
        assertThat(e.code()).isEqualTo(Code.TOO_LARGE_RESOURCE_VERSION);
        String head = "Too large resource version: " + requested + ", current: ";
        assertThat(e.getMessage()).startsWith(head);
        assertThat(Long.parseLong(e.getMessage().substring(head.length()))).isBetween(before, requested - 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not base64 !", "e30", "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiIuLi94In0"})
    void listWithAnInvalidContinueToken(String token) {
        assertThat(codeOf(() -> storage.list(prefix, ListOptions.continueFrom(token, 1))))
                .isEqualTo(Code.INVALID_CONTINUE);
    }

    // ---- watch ----

    @Test
    void watchFromZeroSendsCurrentStateThenChanges() {
        storage.create(key("a"), value("a1"));
        storage.create(key("b"), value("b1"));
        WatchRecorder recorder = new WatchRecorder();
        try (WatchHandle ignored = storage.watch(prefix, WatchOptions.from(0), recorder)) {
            await().atMost(WAIT).until(() -> recorder.changes().size() == 2);
            storage.guaranteedUpdate(key("a"), Preconditions.NONE, false, c -> value("a2"));
            storage.create(key("c"), value("c1"));
            await().atMost(WAIT).untilAsserted(() -> assertThat(recorder.summary())
                    .containsExactly("ADDED a=a1", "ADDED b=b1", "MODIFIED a=a2", "ADDED c=c1"));
        }
    }

    @Test
    void watchFromARevisionIsExclusive() {
        KeyValue a = storage.create(key("a"), value("a1"));
        storage.create(key("b"), value("b1"));
        WatchRecorder recorder = new WatchRecorder();
        try (WatchHandle ignored = storage.watch(prefix, WatchOptions.from(a.modRevision()), recorder)) {
            storage.create(key("c"), value("c1"));
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(recorder.summary()).containsExactly("ADDED b=b1", "ADDED c=c1"));
        }
    }

    @Test
    void watchOfOneKeyAndOfAPrefixSeeOnlyTheirKeys() {
        WatchRecorder exact = new WatchRecorder();
        WatchRecorder folder = new WatchRecorder();
        long from = storage.currentRevision();
        try (WatchHandle one = storage.watch(key("k"), WatchOptions.from(from), exact);
             WatchHandle sub = storage.watch(prefix + "k/", WatchOptions.from(from), folder)) {
            storage.create(key("k"), value("k"));
            storage.create(key("k2"), value("k2"));
            storage.create(prefix + "k/in", value("in"));
            storage.create(prefix + "kk/out", value("out"));
            storage.create(key("last"), value("last"));
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(exact.summary()).containsExactly("ADDED k=k");
                assertThat(folder.summary()).containsExactly("ADDED in=in");
            });
        }
    }

    @Test
    void watchDeliversConcurrentWritesInOrderExactlyOnce() throws Exception {
        int writes = 60;
        long start = storage.currentRevision();
        WatchRecorder early = new WatchRecorder();
        WatchRecorder late = new WatchRecorder();
        List<Long> written = new ArrayList<>();
        WatchHandle lateHandle = null;
        try (WatchHandle earlyHandle = storage.watch(prefix, WatchOptions.from(start), early)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<KeyValue>> results = new ArrayList<>();
                for (int i = 0; i < writes; i++) {
                    String name = "w" + (i % 7);
                    results.add(pool.submit(() -> storage.guaranteedUpdate(key(name), Preconditions.NONE, true,
                            c -> value(c == null ? "1" : text(c) + "1"))));
                    if (i == writes / 2) {
                        // joins while writes go on: history from the start revision, then the live stream
                        lateHandle = storage.watch(prefix, WatchOptions.from(start), late);
                    }
                }
                for (Future<KeyValue> result : results) {
                    written.add(result.get().modRevision());
                }
            } finally {
                pool.shutdownNow();
            }
            List<Long> expected = written.stream().sorted().toList();
            await().atMost(WAIT).untilAsserted(() -> assertThat(early.revisions()).isEqualTo(expected));
            await().atMost(WAIT).untilAsserted(() -> assertThat(late.revisions()).isEqualTo(expected));
        } finally {
            if (lateHandle != null) {
                lateHandle.close();
            }
        }
    }

    @Test
    void watchResumesFromTheLastSeenRevisionWithoutGapOrDuplicate() {
        WatchRecorder first = new WatchRecorder();
        WatchHandle handle = storage.watch(prefix, WatchOptions.from(storage.currentRevision()), first);
        storage.create(key("a"), value("a1"));
        storage.create(key("b"), value("b1"));
        await().atMost(WAIT).until(() -> first.changes().size() == 2);
        handle.close();
        storage.create(key("c"), value("c1"));
        storage.create(key("d"), value("d1"));
        assertThat(first.changes()).hasSize(2);

        long lastSeen = first.changes().get(1).revision();
        WatchRecorder resumed = new WatchRecorder();
        try (WatchHandle ignored = storage.watch(prefix, WatchOptions.from(lastSeen), resumed)) {
            storage.create(key("e"), value("e1"));
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(resumed.summary()).containsExactly("ADDED c=c1", "ADDED d=d1", "ADDED e=e1"));
        }
    }

    @Test
    void deleteEventCarriesThePreviousValue() {
        KeyValue stored = storage.create(key("gone"), value("last words"));
        WatchRecorder recorder = new WatchRecorder();
        try (WatchHandle ignored = storage.watch(prefix, WatchOptions.from(stored.modRevision()), recorder)) {
            KeyValue deleted = storage.delete(key("gone"), Preconditions.NONE);
            await().atMost(WAIT).until(() -> !recorder.changes().isEmpty());
            WatchEvent event = recorder.changes().get(0);
            assertThat(event.type()).isEqualTo(Type.DELETED);
            assertThat(text(event.current())).isEqualTo("last words");
            assertThat(event.current().modRevision()).isEqualTo(deleted.modRevision());
            assertThat(event.revision()).isEqualTo(deleted.modRevision());
            assertThat(event.previous()).isNotNull();
            assertThat(event.previous().modRevision()).isEqualTo(stored.modRevision());
        }
    }

    @Test
    void quietWatchWithProgressNotifyReceivesProgress() {
        KeyValue written = storage.create(key("p"), value("p"));
        WatchRecorder withProgress = new WatchRecorder();
        WatchRecorder without = new WatchRecorder();
        try (WatchHandle a = storage.watch(prefix, WatchOptions.from(written.modRevision()).withProgressNotify(),
                withProgress);
             WatchHandle b = storage.watch(prefix, WatchOptions.from(written.modRevision()), without)) {
            await().atMost(progressWait()).until(() -> withProgress.events().stream()
                    .anyMatch(e -> e.type() == Type.PROGRESS && e.revision() >= written.modRevision()));
            assertThat(without.events()).isEmpty();
            assertThat(withProgress.changes()).isEmpty();
        }
    }

    @Test
    void closedWatchReceivesNothingMore() {
        WatchRecorder recorder = new WatchRecorder();
        WatchHandle handle = storage.watch(prefix, WatchOptions.from(storage.currentRevision()), recorder);
        storage.create(key("a"), value("a"));
        await().atMost(WAIT).until(() -> recorder.changes().size() == 1);
        handle.close();
        handle.close();
        storage.create(key("b"), value("b"));
        WatchRecorder after = new WatchRecorder();
        try (WatchHandle ignored = storage.watch(prefix, WatchOptions.from(0), after)) {
            await().atMost(WAIT).until(() -> after.changes().size() == 2);
        }
        assertThat(recorder.changes()).hasSize(1);
    }

    // ---- compaction ----

    @Test
    void compactedRevisionsExpire() {
        KeyValue a = storage.create(key("a"), value("a1"));
        storage.create(key("b"), value("b1"));
        ListResult page = storage.list(prefix, ListOptions.limit(1));
        storage.guaranteedUpdate(key("a"), Preconditions.NONE, false, c -> value("a2"));
        storage.compact(storage.currentRevision());

        assertThatThrownBy(() -> storage.list(prefix, ListOptions.exact(a.modRevision(), 0)))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.EXPIRED);
                    assertThat(e.getMessage()).isEqualTo("The resourceVersion for the provided list is too old.");
                });
        assertThatThrownBy(() -> storage.list(prefix, ListOptions.continueFrom(page.continueToken(), 1)))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.EXPIRED);
                    assertThat(e.getMessage()).startsWith("The provided continue parameter is too old");
                });
        WatchRecorder recorder = new WatchRecorder();
        WatchHandle handle = storage.watch(prefix, WatchOptions.from(a.modRevision()), recorder);
        try {
            await().atMost(WAIT).until(() -> !recorder.events().isEmpty());
            assertThat(recorder.events()).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(Type.ERROR);
                assertThat(e.error().code()).isEqualTo(Code.EXPIRED);
            });
            storage.create(key("c"), value("c1"));
            assertThat(storage.list(prefix, ListOptions.ALL).items()).hasSize(3);
            assertThat(recorder.events()).hasSize(1);
        } finally {
            handle.close();
        }
    }
}
