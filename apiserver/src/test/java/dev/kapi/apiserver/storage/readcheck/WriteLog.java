package dev.kapi.apiserver.storage.readcheck;

import dev.kapi.apiserver.storage.KeyValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The oracle of a read race: every acknowledged write under one prefix (its revision and the entry it left,
 * or null for a deletion) and the highest revision acknowledged so far. A reader takes {@link #acknowledged()}
 * before it sends its read: every write acknowledged before then has a revision at most that, so a
 * linearizable read must reflect a state at that revision or later. Once the writers have stopped, the log
 * holds the prefix's whole history and {@link #stateAt} rebuilds the exact state at any revision.
 */
public final class WriteLog {

    /** One acknowledged write: {@code after} is the entry it left, null when it deleted {@code key}. */
    public record Write(long revision, String key, KeyValue after) {
    }

    private final ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private volatile List<Write> sorted;

    /** Records a write the storage acknowledged at {@code revision}; call it right after the call returned. */
    public void acknowledged(long revision, String key, KeyValue after) {
        writes.add(new Write(revision, key, after));
        acknowledged.accumulateAndGet(revision, Math::max);
    }

    /** The highest revision acknowledged so far (0 before the first write). */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Every write in revision order; call only once the writers have stopped. */
    public List<Write> history() {
        if (sorted == null) {
            List<Write> all = new ArrayList<>(writes);
            all.sort(Comparator.comparingLong(Write::revision));
            for (int i = 1; i < all.size(); i++) {
                if (all.get(i).revision() == all.get(i - 1).revision()) {
                    throw new AssertionError("two acknowledged writes at revision " + all.get(i).revision());
                }
            }
            sorted = List.copyOf(all);
        }
        return sorted;
    }

    /** The writes under {@code prefixOrKey} (a key, or a prefix ending in /) with revision > {@code after}. */
    public List<Write> historyAfter(String prefixOrKey, long after) {
        return history().stream().filter(w -> w.revision() > after && matches(prefixOrKey, w.key())).toList();
    }

    /** The entries under {@code prefix} at {@code revision}, in key order. */
    public NavigableMap<String, KeyValue> stateAt(String prefix, long revision) {
        NavigableMap<String, KeyValue> state = new TreeMap<>();
        for (Write w : history()) {
            if (w.revision() > revision) {
                break;
            }
            if (matches(prefix, w.key())) {
                if (w.after() == null) {
                    state.remove(w.key());
                } else {
                    state.put(w.key(), w.after());
                }
            }
        }
        return state;
    }

    /** The revisions in [{@code from}, {@code to}] at which {@code key} may have changed: {@code from} and its writes. */
    public List<Long> candidateRevisions(String key, long from, long to) {
        List<Long> out = new ArrayList<>();
        out.add(from);
        for (Write w : history()) {
            if (w.revision() > from && w.revision() <= to && w.key().equals(key)) {
                out.add(w.revision());
            }
        }
        return out;
    }

    /**
     * The highest revision a read may reflect when the backend said {@code revision} right after it:
     * a backend may let readers see a commit before its current revision counts it (the embedded store
     * does), so the next {@code inFlight} writes (one per writer) are allowed too.
     */
    public long reachable(long revision, int inFlight) {
        int seen = 0;
        for (Write w : history()) {
            if (w.revision() > revision && ++seen == inFlight) {
                return w.revision();
            }
        }
        return Long.MAX_VALUE;
    }

    static boolean matches(String prefixOrKey, String key) {
        return prefixOrKey.endsWith("/") ? key.startsWith(prefixOrKey) : key.equals(prefixOrKey);
    }

    /** True when the two entries are the same version of the same key (value and both revisions). */
    public static boolean same(KeyValue a, KeyValue b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.key().equals(b.key()) && Arrays.equals(a.value(), b.value())
                && a.createRevision() == b.createRevision() && a.modRevision() == b.modRevision();
    }

    /** True when {@code items} are exactly {@code expected}'s entries, in its order. */
    public static boolean sameEntries(List<KeyValue> items, Map<String, KeyValue> expected) {
        if (items.size() != expected.size()) {
            return false;
        }
        int i = 0;
        for (KeyValue kv : expected.values()) {
            if (!same(items.get(i++), kv)) {
                return false;
            }
        }
        return true;
    }

    /** "key@modRevision" of each entry, for failure messages. */
    public static String describe(Iterable<KeyValue> entries) {
        StringBuilder out = new StringBuilder("[");
        for (KeyValue kv : entries) {
            out.append(out.length() > 1 ? ", " : "").append(kv.key().substring(kv.key().lastIndexOf('/', kv.key()
                    .lastIndexOf('/') - 1) + 1)).append('@').append(kv.modRevision());
        }
        return out.append(']').toString();
    }
}
