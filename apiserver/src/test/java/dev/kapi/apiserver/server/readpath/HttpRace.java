package dev.kapi.apiserver.server.readpath;

import dev.kapi.apiserver.server.readpath.ReadPathServer.Reply;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.readcheck.WatchChecks;
import dev.kapi.apiserver.storage.readcheck.WriteLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The linearizability race over HTTP in one namespace: writers create (POST), update (PUT) and delete
 * ConfigMaps {@code cm0..cm5} (writer i owns cm{i} and cm{i+3}, so that {@link BackendHistory} can tell a
 * delete's revision; the write log must agree with the backend's own history); readers GET one or LIST them
 * (no resourceVersion; some with a limit, following continue) and must reflect every write whose answer came before the read was sent; a watch with bookmarks
 * stays open; another ends every second ({@code timeoutSeconds=1}) and resumes from the last resourceVersion
 * it saw; watches with {@code sendInitialEvents=true} open over and over. Checked against the {@link WriteLog}
 * of acknowledged writes as the storage race is ({@code dev.kapi.apiserver.storage.readcheck}).
 */
final class HttpRace {

    static final int WRITERS = 3;

    private final ReadPathServer server;
    private final String ns;
    private final String cms;
    private final WriteLog log = new WriteLog();
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<Supplier<String>> checks = Collections.synchronizedList(new ArrayList<>());
    final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Duration settle;
    private volatile boolean stop;

    /** A race in namespace {@code ns}, which waits up to {@code settle} for watches to catch up at the end. */
    HttpRace(ReadPathServer server, String ns, Duration settle) {
        this.settle = settle;
        this.server = server;
        this.ns = ns;
        this.cms = "/api/v1/namespaces/" + ns + "/configmaps";
    }

    /** Races for {@code duration}; answers the violations (and fills {@link #counts}). */
    List<String> run(Duration duration) throws InterruptedException {
        long from = Long.parseLong(server.get(cms).resourceVersion());
        List<Thread> threads = new ArrayList<>();
        List<JsonNode> steady = Collections.synchronizedList(new ArrayList<>());
        try (BackendHistory backend = new BackendHistory(server.backend(), server.keyPrefix("configmaps", ns), ns,
                from);
             ReadPathServer.Watch watch = server.watch(cms + "?watch=true&allowWatchBookmarks=true&resourceVersion="
                + from)) {
            threads.add(Thread.ofVirtual().start(() -> drain(watch, steady)));
            for (int i = 0; i < WRITERS; i++) {
                int writer = i;
                threads.add(start(random -> write(writer, random, backend)));
            }
            threads.add(start(this::read));
            threads.add(start(this::read));
            threads.add(start(this::initialEvents));
            long[] resumeFrom = {from};
            List<WatchEvent> resumed = Collections.synchronizedList(new ArrayList<>());
            threads.add(start(random -> resumeFrom[0] = segment(resumeFrom[0], resumed)));
            Thread.sleep(duration.toMillis());
            stop = true;
            for (Thread t : threads.subList(1, threads.size())) {
                t.join(60_000);
            }
            List<WriteLog.Write> history = log.historyAfter(ns + "/", from);
            long last = history.isEmpty() ? from : history.getLast().revision();
            long deadline = System.nanoTime() + settle.toNanos();
            while (resumeFrom[0] < last && System.nanoTime() < deadline) {
                resumeFrom[0] = segment(resumeFrom[0], resumed);
            }
            while (lastChange(steady) < last && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            List<WatchEvent> events = steady.stream().map(ConfigMapLog::event).filter(e -> e != null).toList();
            violations.addAll(WatchChecks.ordered("watch with bookmarks", events));
            addIfFailed(WatchChecks.sameAsHistory("watch with bookmarks", log, ns + "/", from, changes(events)));
            addIfFailed(WatchChecks.sameAsHistory("resumed watch", log, ns + "/", from, changes(resumed)));
            addIfFailed(WatchChecks.sameAsHistory("the backend's own watch", log, ns + "/", from,
                    backend.events()));
            counts.computeIfAbsent("writes", k -> new AtomicInteger()).set(history.size());
            counts.computeIfAbsent("watch events", k -> new AtomicInteger()).set(changes(events).size());
        }
        checks.forEach(c -> addIfFailed(c.get()));
        return List.copyOf(violations);
    }

    private void write(int writer, Random random, BackendHistory backend) throws InterruptedException {
        String name = "cm" + (writer + WRITERS * random.nextInt(2));
        String key = ns + "/" + name;
        String value = Long.toString(random.nextLong() & Long.MAX_VALUE);
        int op = random.nextInt(10);
        Reply r = op < 4 ? server.send("POST", cms, ConfigMapLog.configMap(name, value))
                : op < 8 ? server.send("PUT", cms + "/" + name, ConfigMapLog.configMap(name, value))
                : server.send("DELETE", cms + "/" + name, null);
        if (op >= 8 && r.code() == 200) {
            log.acknowledged(backend.deletion(key), key, null);
        } else if (r.code() == 200 || r.code() == 201) {
            KeyValue kv = ConfigMapLog.entry(r.json());
            backend.written(key, kv.modRevision());
            log.acknowledged(kv.modRevision(), kv.key(), kv);
        } else if (r.code() != 404 && r.code() != 409) {
            violations.add("write " + op + " of " + name + " answered " + r.code() + " " + r.body());
        }
    }

    private void read(Random random) {
        long lo = log.acknowledged();
        if (random.nextBoolean()) {
            String key = ns + "/cm" + random.nextInt(6);
            Reply r = server.get(cms + "/" + key.substring(ns.length() + 1));
            long after = log.acknowledged();
            count("get");
            if (r.code() != 200 && r.code() != 404) {
                violations.add("get " + key + " answered " + r.code() + " " + r.body());
                return;
            }
            KeyValue answer = r.code() == 404 ? null : ConfigMapLog.entry(r.json());
            checks.add(() -> {
                long hi = log.reachable(after, WRITERS);
                for (long rev : log.candidateRevisions(key, lo, hi)) {
                    if (WriteLog.same(answer, log.stateAt(key, rev).get(key))) {
                        return null;
                    }
                }
                return "get " + key + " answered " + (answer == null ? "404" : "resourceVersion " + answer.modRevision())
                        + ", no state in [" + lo + ", " + hi + "] matches";
            });
            return;
        }
        int limit = random.nextBoolean() ? 0 : 1 + random.nextInt(3);
        List<KeyValue> items = new ArrayList<>();
        String path = cms + (limit == 0 ? "" : "?limit=" + limit);
        Reply r = server.get(path);
        long revision = Long.parseLong(r.resourceVersion());
        for (int pages = 0; r.code() == 200 && pages < 20; pages++) {
            items.addAll(ConfigMapLog.items(r.json()));
            String token = r.json().path("metadata").path("continue").asString("");
            if (token.isEmpty()) {
                break;
            }
            r = server.get(cms + "?limit=" + limit + "&continue=" + token);
        }
        long after = log.acknowledged();
        count("list");
        if (r.code() != 200) {
            violations.add("list " + path + " answered " + r.code() + " " + r.body());
            return;
        }
        checks.add(() -> {
            long hi = log.reachable(after, WRITERS);
            Map<String, KeyValue> expected = log.stateAt(ns + "/", revision);
            if (revision < lo || revision > hi || !WriteLog.sameEntries(items, expected)) {
                return "list " + path + " answered " + WriteLog.describe(items) + " at " + revision + " (allowed ["
                        + lo + ", " + hi + "]), the state there is " + WriteLog.describe(expected.values());
            }
            return null;
        });
    }

    /** A sendInitialEvents watch: the objects present at its bookmark, the bookmark, then later changes. */
    private void initialEvents(Random random) throws InterruptedException {
        long lo = log.acknowledged();
        Map<String, KeyValue> initial = new TreeMap<>();
        List<WatchEvent> later = new ArrayList<>();
        long bookmark = 0;
        try (ReadPathServer.Watch watch = server.watch(cms + "?watch=true&sendInitialEvents=true"
                + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")) {
            long bookmarkBy = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long until = 0;
            for (long wait; (wait = (bookmark == 0 ? bookmarkBy : until) - System.nanoTime()) > 0; ) {
                JsonNode e = watch.next(Duration.ofNanos(wait));
                WatchEvent event = e == null ? null : ConfigMapLog.event(e);
                if (bookmark == 0 && e != null && ConfigMapLog.initialEventsEnd(e)) {
                    bookmark = event.revision();
                    until = System.nanoTime() + Duration.ofMillis(200 + random.nextInt(300)).toNanos();
                } else if (event != null && event.type() != WatchEvent.Type.PROGRESS) {
                    if (bookmark == 0) {
                        initial.put(event.current().key(), event.current());
                    } else {
                        later.add(event);
                    }
                }
            }
        }
        count("initial-events watches");
        long end = bookmark;
        checks.add(() -> {
            if (end == 0) {
                return "sendInitialEvents watch (lo " + lo + "): no initial-events-end bookmark within 10 s";
            }
            Map<String, KeyValue> expected = log.stateAt(ns + "/", end);
            if (end < lo || !WriteLog.sameEntries(new ArrayList<>(initial.values()), expected)) {
                return "sendInitialEvents watch: initial " + WriteLog.describe(initial.values()) + ", bookmark " + end
                        + " (lo " + lo + "), the state there is " + WriteLog.describe(expected.values());
            }
            return WatchChecks.sameAsHistory("sendInitialEvents watch after " + end, log, ns + "/", end, later, false);
        });
    }

    /** One watch that the server ends after a second, from {@code from}; answers where to resume. */
    private long segment(long from, List<WatchEvent> into) throws InterruptedException {
        List<JsonNode> raw = new ArrayList<>();
        try (ReadPathServer.Watch watch = server.watch(cms + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=1"
                + "&resourceVersion=" + from)) {
            for (JsonNode e; (e = watch.next(Duration.ofSeconds(10))) != null || !watch.ended(); ) {
                if (e != null) {
                    raw.add(e);
                }
            }
        }
        count("watch resumptions");
        List<WatchEvent> events = raw.stream().map(ConfigMapLog::event).filter(e -> e != null).toList();
        violations.addAll(WatchChecks.ordered("resumed watch from " + from, events));
        into.addAll(events);
        return Math.max(from, raw.stream().filter(e -> !e.path("type").asString().equals("ERROR"))
                .mapToLong(e -> Long.parseLong(e.path("object").path("metadata").path("resourceVersion").asString()))
                .max().orElse(from));
    }

    private static List<WatchEvent> changes(List<WatchEvent> events) {
        return events.stream().filter(e -> e.type() != WatchEvent.Type.PROGRESS).toList();
    }

    private long lastChange(List<JsonNode> events) {
        synchronized (events) {
            return events.stream().map(ConfigMapLog::event).filter(e -> e != null && e.current() != null)
                    .mapToLong(WatchEvent::revision).max().orElse(0);
        }
    }

    private static void drain(ReadPathServer.Watch watch, List<JsonNode> into) {
        try {
            for (JsonNode e; !watch.ended(); ) {
                if ((e = watch.next(Duration.ofMillis(200))) != null) {
                    into.add(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void addIfFailed(String violation) {
        if (violation != null) {
            violations.add(violation);
        }
    }

    private void count(String what) {
        counts.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    private interface Step {
        void run(Random random) throws Exception;
    }

    private Thread start(Step step) {
        Random random = new Random();
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                while (!stop) {
                    step.run(random);
                }
            } catch (Throwable e) {
                violations.add(Thread.currentThread().getName() + " failed: " + e);
            }
        });
    }
}
