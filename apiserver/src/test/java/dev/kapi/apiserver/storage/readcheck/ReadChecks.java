package dev.kapi.apiserver.storage.readcheck;

import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.ReadRevision;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * One reader's reads on the decorated storage, each turned into a check run once the race is over (when
 * {@link WriteLog} holds the whole history). A read remembers {@code lo}, the lowest revision it may
 * reflect (the acknowledged revision before it was sent for MOST_RECENT, N for NOT_OLDER_THAN N, 1 for ANY),
 * and {@code hi}, the backend's revision once it returned; it passes when some state in [lo, hi] matches it
 * exactly (a list: the same entries, in order, with the same revisions, over all its pages).
 */
final class ReadChecks {

    /** The kinds of read, named as the race counts them. */
    static final List<String> KINDS = List.of("get MOST_RECENT", "get NOT_OLDER_THAN", "get ANY",
            "list MOST_RECENT", "list NOT_OLDER_THAN", "list ANY");

    private final Storage backend;
    private final Storage decorated;
    private final String prefix;
    private final WriteLog log;

    ReadChecks(Storage backend, Storage decorated, String prefix, WriteLog log) {
        this.backend = backend;
        this.decorated = decorated;
        this.prefix = prefix;
        this.log = log;
    }

    /** Reads once, of kind {@code KINDS[kind]}; answers the check to run after the race (null = passed). */
    Supplier<String> read(int kind, Random random) {
        long acknowledged = log.acknowledged();
        ReadRevision at = switch (kind % 3) {
            case 0 -> ReadRevision.MOST_RECENT;
            case 1 -> acknowledged == 0 ? ReadRevision.MOST_RECENT
                    : ReadRevision.notOlderThan(Math.max(1, acknowledged - random.nextInt(3)));
            default -> ReadRevision.ANY;
        };
        long lo = switch (at.match()) {
            case MOST_RECENT -> acknowledged;
            case NOT_OLDER_THAN -> at.revision();
            default -> 1;
        };
        String what = KINDS.get(kind) + (at.match() == ReadRevision.Match.NOT_OLDER_THAN ? " " + at.revision() : "");
        try {
            return kind < 3 ? get(what, ReadRace.randomKey(prefix, random), at, lo)
                    : list(what, random.nextInt(3) == 0 ? prefix : prefix + "ns" + random.nextInt(3) + "/",
                            at, random.nextBoolean() ? 0 : 1 + random.nextInt(4), lo);
        } catch (StorageException e) {
            String failure = what + " (acknowledged " + acknowledged + ") failed: " + e.code() + " " + e.getMessage();
            return () -> failure;
        }
    }

    private Supplier<String> get(String what, String key, ReadRevision at, long lo) {
        KeyValue found;
        try {
            found = decorated.get(key, new GetOptions(at));
        } catch (StorageException e) {
            if (e.code() != StorageException.Code.KEY_NOT_FOUND) {
                throw e;
            }
            found = null;
        }
        long after = backend.currentRevision();
        KeyValue answer = found;
        return () -> {
            long hi = log.reachable(after, ReadRace.WRITERS);
            for (long r : log.candidateRevisions(key, lo, hi)) {
                if (WriteLog.same(answer, log.stateAt(key, r).get(key))) {
                    return null;
                }
            }
            return what + " of " + key + " answered " + (answer == null ? "not found" : "modRevision "
                    + answer.modRevision()) + ", no state in [" + lo + ", " + hi + "] matches (there: "
                    + describeAt(key, lo) + ")";
        };
    }

    private Supplier<String> list(String what, String under, ReadRevision at, long limit, long lo) {
        List<ListResult> pages = new ArrayList<>();
        ListResult page = decorated.list(under, new ListOptions(at, limit, null));
        pages.add(page);
        while (page.continueToken() != null && pages.size() < 50) {
            page = decorated.list(under, ListOptions.continueFrom(page.continueToken(), limit));
            pages.add(page);
        }
        long after = backend.currentRevision();
        long revision = pages.getFirst().revision();
        // an ANY answer must be a state the backend itself had: its EXACT list at the answer's revision
        List<KeyValue> exact = at.match() == ReadRevision.Match.ANY
                ? backend.list(under, ListOptions.exact(revision, 0)).items() : null;
        String described = what + (limit == 0 ? "" : " limit " + limit) + " of " + under.substring(prefix.length() - 1);
        return () -> checkList(described, under, limit, lo, log.reachable(after, ReadRace.WRITERS), pages, exact);
    }

    private String checkList(String what, String under, long limit, long lo, long hi, List<ListResult> pages,
                             List<KeyValue> exact) {
        long revision = pages.getFirst().revision();
        if (revision < lo || revision > hi) {
            return what + " answered at revision " + revision + ", outside [" + lo + ", " + hi + "]";
        }
        List<KeyValue> items = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            ListResult p = pages.get(i);
            if (p.revision() != revision) {
                return what + " page " + i + " at revision " + p.revision() + ", the first at " + revision;
            }
            if (limit > 0 && p.items().size() > limit) {
                return what + " page " + i + " has " + p.items().size() + " entries";
            }
            items.addAll(p.items());
        }
        if (pages.getLast().continueToken() != null) {
            return what + ": more than 50 pages";
        }
        Map<String, KeyValue> expected = log.stateAt(under, revision);
        if (!WriteLog.sameEntries(items, expected)) {
            return what + " at revision " + revision + " (lo " + lo + ") answered " + WriteLog.describe(items)
                    + ", the state there is " + WriteLog.describe(expected.values());
        }
        if (exact != null && !WriteLog.sameEntries(exact, expected)) {
            return what + ": the backend's exact list at " + revision + " is " + WriteLog.describe(exact)
                    + ", the write log says " + WriteLog.describe(expected.values());
        }
        return null;
    }

    private String describeAt(String key, long revision) {
        KeyValue kv = log.stateAt(key, revision).get(key);
        return "at " + revision + " " + (kv == null ? "absent" : "modRevision " + kv.modRevision());
    }
}
