package dev.kapi.apiserver.storage.readcheck;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchRecorder;
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

/**
 * A linearizability race under one prefix (keys {@code ns<0-2>/cm<0-5>}): writers create, update and delete
 * through the backend and through the decorated storage alike; readers get and list through the decorated
 * storage ({@link ReadChecks}); two watches of the decorated storage (the whole prefix and one namespace)
 * stay open and a third closes and resumes from the last revision it saw (change or PROGRESS) every few
 * tens of milliseconds ({@link WatchChecks}). The {@link Report} lists every violation.
 */
public final class ReadRace {

    /** What went wrong (empty when nothing did) and how much of each thing the race did. */
    public record Report(List<String> violations, Map<String, Integer> counts) {
    }

    static final int WRITERS = 3;
    private static final int READERS = 3;

    private final Storage backend;
    private final Storage decorated;
    private final String prefix;
    private final WriteLog log = new WriteLog();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<Supplier<String>> readChecks = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private volatile boolean stop;

    private ReadRace(Storage backend, Storage decorated, String prefix) {
        this.backend = backend;
        this.decorated = decorated;
        this.prefix = prefix;
    }

    /**
     * Races for {@code duration}, then waits up to {@code settle} for the watches to deliver every change and
     * a PROGRESS at the last write, and checks everything.
     */
    public static Report run(Storage backend, Storage decorated, String prefix, Duration duration, Duration settle)
            throws InterruptedException {
        return new ReadRace(backend, decorated, prefix).race(duration, settle);
    }

    static String randomKey(String prefix, Random random) {
        return prefix + "ns" + random.nextInt(3) + "/cm" + random.nextInt(6);
    }

    private Report race(Duration duration, Duration settle) throws InterruptedException {
        long from = backend.currentRevision();
        String namespace = prefix + "ns1/";
        WatchRecorder whole = new WatchRecorder();
        WatchRecorder one = new WatchRecorder();
        List<WatchEvent> resumed = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        try (WatchHandle w1 = decorated.watch(prefix, WatchOptions.from(from).withProgressNotify(), whole);
             WatchHandle w2 = decorated.watch(namespace, WatchOptions.from(from).withProgressNotify(), one)) {
            for (int i = 0; i < WRITERS; i++) {
                int writer = i;
                threads.add(start("lin-writer-" + i, random -> write(writer, random)));
            }
            for (int i = 0; i < READERS; i++) {
                ReadChecks reads = new ReadChecks(backend, decorated, prefix, log);
                threads.add(start("lin-reader-" + i, random -> {
                    int kind = random.nextInt(ReadChecks.KINDS.size());
                    readChecks.add(reads.read(kind, random));
                    count(ReadChecks.KINDS.get(kind));
                }));
            }
            long[] resumeFrom = {from};
            Thread resumer = start("lin-resumer", random -> resumeFrom[0] = segment(resumeFrom[0], random, resumed));
            Thread.sleep(duration.toMillis());
            stop = true;
            for (Thread t : threads) {
                t.join(30_000);
            }
            resumer.join(30_000);
            long last = lastWrite(prefix, from);
            await(settle, () -> lastChange(whole.changes()) >= last && lastChange(one.changes())
                    >= lastWrite(namespace, from) && lastProgress(whole.events()) >= last);
            resumeFrom[0] = finalSegment(resumeFrom[0], last, settle, resumed);
            check("watch of the prefix", whole.events(), prefix, from);
            check("watch of ns1/", one.events(), namespace, from);
            addIfFailed(WatchChecks.sameAsHistory("resumed watch", log, prefix, from,
                    resumed.stream().filter(e -> e.type() != WatchEvent.Type.PROGRESS).toList()));
            if (lastProgress(whole.events()) < last) {
                violations.add("no PROGRESS at or after the last write " + last + " within " + settle);
            }
        }
        readChecks.forEach(c -> addIfFailed(c.get()));
        checkOracle(from);
        counts.computeIfAbsent("writes", k -> new AtomicInteger()).set(log.history().size());
        counts.computeIfAbsent("watch events", k -> new AtomicInteger()).set(whole.changes().size());
        Map<String, Integer> done = new TreeMap<>();
        counts.forEach((k, v) -> done.put(k, v.get()));
        return new Report(List.copyOf(violations), done);
    }

    private void write(int writer, Random random) {
        Storage target = random.nextBoolean() ? backend : decorated;
        String key = randomKey(prefix, random);
        byte[] value = ("{\"w\":\"" + writer + "-" + random.nextLong() + "\"}").getBytes(UTF_8);
        int op = random.nextInt(10);
        try {
            if (op < 4) {
                KeyValue kv = target.create(key, value);
                log.acknowledged(kv.modRevision(), key, kv);
            } else if (op < 8) {
                KeyValue kv = target.guaranteedUpdate(key, Preconditions.NONE, false, current -> value);
                log.acknowledged(kv.modRevision(), key, kv);
            } else {
                log.acknowledged(target.delete(key, Preconditions.NONE).modRevision(), key, null);
            }
        } catch (StorageException e) {
            if (e.code() != StorageException.Code.KEY_EXISTS && e.code() != StorageException.Code.KEY_NOT_FOUND) {
                throw e;
            }
        }
    }

    /** One resumed watch of the prefix from {@code from}, open a few tens of ms; answers where to resume. */
    private long segment(long from, Random random, List<WatchEvent> into) throws InterruptedException {
        WatchRecorder recorder = new WatchRecorder();
        WatchHandle handle = decorated.watch(prefix, WatchOptions.from(from).withProgressNotify(), recorder);
        Thread.sleep(20 + random.nextInt(120));
        handle.close();
        count("watch resumptions");
        return collect(recorder.events(), from, into);
    }

    private long finalSegment(long from, long last, Duration settle, List<WatchEvent> into)
            throws InterruptedException {
        WatchRecorder recorder = new WatchRecorder();
        try (WatchHandle ignored = decorated.watch(prefix, WatchOptions.from(from).withProgressNotify(), recorder)) {
            await(settle, () -> from >= last || lastChange(recorder.changes()) >= last);
        }
        return collect(recorder.events(), from, into);
    }

    private long collect(List<WatchEvent> events, long from, List<WatchEvent> into) {
        violations.addAll(WatchChecks.ordered("resumed watch from " + from, events));
        into.addAll(events);
        return Math.max(from, Math.max(lastChange(events), lastProgress(events)));
    }

    private void check(String watch, List<WatchEvent> events, String prefixOrKey, long from) {
        violations.addAll(WatchChecks.ordered(watch, events));
        addIfFailed(WatchChecks.sameAsHistory(watch, log, prefixOrKey, from,
                events.stream().filter(e -> e.type() != WatchEvent.Type.PROGRESS).toList()));
    }

    /** The oracle itself must agree with the backend: its exact lists at a few revisions of the race. */
    private void checkOracle(long from) {
        List<WriteLog.Write> history = log.historyAfter(prefix, from);
        for (int i = 0; i < history.size(); i += Math.max(1, history.size() / 5)) {
            long revision = history.get(i).revision();
            List<KeyValue> exact = backend.list(prefix, ListOptions.exact(revision, 0)).items();
            if (!WriteLog.sameEntries(exact, log.stateAt(prefix, revision))) {
                violations.add("the write log disagrees with the backend's exact list at " + revision);
            }
        }
    }

    private long lastWrite(String prefixOrKey, long from) {
        List<WriteLog.Write> writes = log.historyAfter(prefixOrKey, from);
        return writes.isEmpty() ? from : writes.getLast().revision();
    }

    private static long lastChange(List<WatchEvent> events) {
        return events.stream().filter(e -> e.type() != WatchEvent.Type.PROGRESS && e.type() != WatchEvent.Type.ERROR)
                .mapToLong(WatchEvent::revision).max().orElse(0);
    }

    private static long lastProgress(List<WatchEvent> events) {
        return events.stream().filter(e -> e.type() == WatchEvent.Type.PROGRESS)
                .mapToLong(WatchEvent::revision).max().orElse(0);
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

    private Thread start(String name, Step step) {
        Random random = new Random();
        return Thread.ofPlatform().name(name).daemon().start(() -> {
            try {
                while (!stop) {
                    step.run(random);
                }
            } catch (Throwable e) {
                violations.add(name + " failed: " + e);
            }
        });
    }

    private static void await(Duration atMost, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
