package dev.kapi.apiserver.storage;

/**
 * Where a watch starts and what it reports: changes after {@code fromRevision} (0 = the current state
 * first, as ADDED events, then every later change), and PROGRESS events carrying the latest revision
 * when {@code progressNotify} is set (sent at least every few seconds on a quiet watch).
 */
public record WatchOptions(long fromRevision, boolean progressNotify) {

    public static WatchOptions from(long revision) {
        return new WatchOptions(revision, false);
    }

    public WatchOptions withProgressNotify() {
        return new WatchOptions(fromRevision, true);
    }
}
