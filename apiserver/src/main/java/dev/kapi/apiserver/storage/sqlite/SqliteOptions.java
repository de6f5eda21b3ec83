package dev.kapi.apiserver.storage.sqlite;

import java.time.Duration;

/**
 * Tuning of a {@link SqliteStorage}: how often the scheduled compaction runs and how many of the newest
 * revisions it keeps (every minute, 1000 revisions: kine's 5 minutes let the log grow by the write rate
 * times 5 minutes, 700 MB at 1,600 updates/s in the compaction benchmark), the quiet time after which a
 * watch with progressNotify receives PROGRESS, and how many reader connections serve reads.
 */
public record SqliteOptions(Duration compactInterval, long retainRevisions, Duration progressInterval,
                            int readers) {

    public static final SqliteOptions DEFAULTS =
            new SqliteOptions(Duration.ofMinutes(1), 1000, Duration.ofSeconds(5), 4);

    public SqliteOptions {
        if (compactInterval.isNegative() || compactInterval.isZero() || progressInterval.isNegative()
                || progressInterval.isZero() || retainRevisions < 0 || readers < 1) {
            throw new IllegalArgumentException("invalid sqlite storage options: " + compactInterval + ", "
                    + retainRevisions + ", " + progressInterval + ", " + readers);
        }
    }

    public SqliteOptions withCompaction(Duration interval, long retain) {
        return new SqliteOptions(interval, retain, progressInterval, readers);
    }

    public SqliteOptions withProgressInterval(Duration interval) {
        return new SqliteOptions(compactInterval, retainRevisions, interval, readers);
    }
}
