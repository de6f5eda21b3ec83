package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.api.GoDuration;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;

/**
 * A cron schedule that computes its times, as kube's CronJob controller reads {@code spec.schedule} with
 * robfig/cron's standard parser: five fields (minute, hour, day of month, month, day of week; names, ranges,
 * steps, {@code *} and {@code ?}) or a descriptor ({@code @hourly}, {@code @every 1h30m}, ...). Day of month
 * and day of week are both required when either is {@code *}, else either suffices (robfig's rule). Times are
 * those of the zone given (the CronJob's {@code timeZone}, else the controller's). The registry validated the
 * text, with robfig's messages; an invalid one here is an {@link IllegalArgumentException}.
 *
 * <p>Example: {@code CronSpec.parse("*&#47;15 9-17 * * mon-fri", UTC).next(09:07 on a Monday)} is 09:15.
 */
final class CronSpec {

    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2),
            Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7),
            Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));
    private static final Map<String, Integer> DAYS = Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4,
            "fri", 5, "sat", 6);
    private static final Map<String, String> DESCRIPTORS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    private static final int[][] BOUNDS = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 6}};

    private final BitSet[] fields;
    private final boolean dayStar;
    private final Duration every;
    private final ZoneId zone;

    private CronSpec(BitSet[] fields, boolean dayStar, Duration every, ZoneId zone) {
        this.fields = fields;
        this.dayStar = dayStar;
        this.every = every;
        this.zone = zone;
    }

    static CronSpec parse(String schedule, ZoneId zone) {
        String spec = schedule.trim();
        if (spec.startsWith("@every ")) {
            Duration d = goDuration(spec.substring("@every ".length()).trim());
            return new CronSpec(null, false, d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                    : d.truncatedTo(ChronoUnit.SECONDS), zone);
        }
        spec = DESCRIPTORS.getOrDefault(spec, spec);
        String[] parts = spec.split("\\s+");
        if (parts.length != 5) {
            throw new IllegalArgumentException("expected exactly 5 fields, found " + parts.length + ": " + spec);
        }
        BitSet[] fields = new BitSet[5];
        boolean star = false;
        for (int i = 0; i < 5; i++) {
            fields[i] = new BitSet();
            for (String expr : parts[i].split(",")) {
                boolean isStar = range(expr, BOUNDS[i][0], BOUNDS[i][1], i == 3 ? MONTHS : i == 4 ? DAYS : null,
                        fields[i]);
                star |= isStar && (i == 2 || i == 4);
            }
        }
        return new CronSpec(fields, star, null, zone);
    }

    /** The first time of the schedule strictly after {@code t} (null when none within five years). */
    Instant next(Instant t) {
        if (every != null) {
            return t.truncatedTo(ChronoUnit.SECONDS).plus(every);
        }
        LocalDateTime local = LocalDateTime.ofInstant(t, zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        int lastYear = local.getYear() + 5;
        while (local.getYear() <= lastYear) {
            if (!fields[3].get(local.getMonthValue())) {
                local = local.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
            } else if (!dayMatches(local)) {
                local = local.truncatedTo(ChronoUnit.DAYS).plusDays(1);
            } else if (!fields[1].get(local.getHour())) {
                local = local.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!fields[0].get(local.getMinute())) {
                local = local.plusMinutes(1);
            } else {
                Instant at = ZonedDateTime.of(local, zone).toInstant(); // a time in a DST gap moves forward
                if (at.isAfter(t)) {
                    return at;
                }
                local = local.plusMinutes(1);
            }
        }
        return null;
    }

    private boolean dayMatches(LocalDateTime t) {
        boolean dom = fields[2].get(t.getDayOfMonth());
        boolean dow = fields[4].get(t.getDayOfWeek().getValue() % 7);
        return dayStar ? dom && dow : dom || dow;
    }

    /** Adds one comma-separated part to {@code set}; true when it is a bare {@code *} or {@code ?}. */
    private static boolean range(String expr, int min, int max, Map<String, Integer> names, BitSet set) {
        String[] rangeAndStep = expr.split("/", -1);
        String[] lowHigh = rangeAndStep[0].split("-", -1);
        boolean star = lowHigh[0].equals("*") || lowHigh[0].equals("?");
        int start = star ? min : value(lowHigh[0], names);
        int end = star ? max : lowHigh.length > 1 ? value(lowHigh[1], names) : start;
        int step = 1;
        if (rangeAndStep.length > 1) {
            step = Integer.parseInt(rangeAndStep[1]);
            if (lowHigh.length == 1) {
                end = max;
            }
        }
        if (start < min || end > max || start > end || step <= 0 || lowHigh.length > 2 || rangeAndStep.length > 2) {
            throw new IllegalArgumentException("invalid cron range: " + expr);
        }
        for (int v = start; v <= end; v += step) {
            set.set(v);
        }
        return star && step == 1;
    }

    private static int value(String s, Map<String, Integer> names) {
        Integer named = names == null ? null : names.get(s.toLowerCase(Locale.ROOT));
        return named != null ? named : Integer.parseInt(s);
    }

    /** Go's {@code time.ParseDuration}. */
    static Duration goDuration(String s) {
        return GoDuration.parse(s);
    }
}
