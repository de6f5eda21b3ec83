package dev.kapi.apiserver.storage.readcheck;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchEvent.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks on what watches delivered while the race wrote, against the {@link WriteLog}: the changes in
 * order, each once, none missing ({@link #sameAsHistory}); PROGRESS never going back and never ahead of the
 * changes delivered after it ({@link #ordered}).
 */
public final class WatchChecks {

    private WatchChecks() {
    }

    /**
     * Violations of order in one watch's events as they arrived: changes strictly after every earlier
     * change and every earlier PROGRESS (a PROGRESS at p promises every change up to p was delivered);
     * PROGRESS never below an earlier PROGRESS or change; no ERROR.
     */
    public static List<String> ordered(String watch, List<WatchEvent> events) {
        List<String> out = new ArrayList<>();
        long lastChange = 0;
        long lastProgress = 0;
        for (WatchEvent e : events) {
            if (e.type() == Type.ERROR) {
                out.add(watch + ": ERROR " + e.error().code() + " " + e.error().getMessage());
            } else if (e.type() == Type.PROGRESS) {
                if (e.revision() < lastProgress || e.revision() < lastChange) {
                    out.add(watch + ": PROGRESS " + e.revision() + " after PROGRESS " + lastProgress + " and change "
                            + lastChange);
                }
                lastProgress = Math.max(lastProgress, e.revision());
            } else {
                if (e.revision() <= lastChange || e.revision() <= lastProgress) {
                    out.add(watch + ": change at " + e.revision() + " after change " + lastChange + " and PROGRESS "
                            + lastProgress);
                }
                lastChange = Math.max(lastChange, e.revision());
            }
        }
        return out;
    }

    /**
     * The first difference between the changes a watch of {@code prefixOrKey} from {@code from} delivered and
     * the log's history there (type, key, revision and value of each), or null when they are the same.
     */
    public static String sameAsHistory(String watch, WriteLog log, String prefixOrKey, long from,
                                       List<WatchEvent> changes) {
        return sameAsHistory(watch, log, prefixOrKey, from, changes, true);
    }

    /**
     * As {@link #sameAsHistory(String, WriteLog, String, long, List)}; when not {@code complete}, the changes
     * need only be the history's first ones (a watch closed before the writes ended).
     */
    public static String sameAsHistory(String watch, WriteLog log, String prefixOrKey, long from,
                                       List<WatchEvent> changes, boolean complete) {
        List<WriteLog.Write> expected = log.historyAfter(prefixOrKey, from);
        int n = complete ? Math.max(expected.size(), changes.size()) : changes.size();
        for (int i = 0; i < n; i++) {
            WriteLog.Write w = i < expected.size() ? expected.get(i) : null;
            WatchEvent e = i < changes.size() ? changes.get(i) : null;
            if (w == null || e == null || !matches(w, e, log)) {
                return watch + " from " + from + ": change " + i + " of " + changes.size() + " is "
                        + describe(e) + ", the history's " + i + " of " + expected.size() + " is " + describe(w, log);
            }
        }
        return null;
    }

    private static boolean matches(WriteLog.Write w, WatchEvent e, WriteLog log) {
        KeyValue current = e.current();
        if (e.revision() != w.revision() || current == null || !current.key().equals(w.key())
                || current.modRevision() != w.revision() || e.type() != expectedType(w, log)) {
            return false;
        }
        return w.after() == null || Arrays.equals(current.value(), w.after().value());
    }

    private static Type expectedType(WriteLog.Write w, WriteLog log) {
        if (w.after() == null) {
            return Type.DELETED;
        }
        return log.stateAt(w.key(), w.revision() - 1).containsKey(w.key()) ? Type.MODIFIED : Type.ADDED;
    }

    private static String describe(WatchEvent e) {
        return e == null ? "missing" : e.type() + " " + (e.current() == null ? "" : tail(e.current().key())) + "@"
                + e.revision();
    }

    private static String describe(WriteLog.Write w, WriteLog log) {
        return w == null ? "missing" : expectedType(w, log) + " " + tail(w.key()) + "@" + w.revision();
    }

    private static String tail(String key) {
        return key.substring(key.lastIndexOf('/', key.lastIndexOf('/') - 1) + 1);
    }
}
