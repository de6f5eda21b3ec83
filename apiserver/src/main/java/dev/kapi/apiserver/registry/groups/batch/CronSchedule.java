package dev.kapi.apiserver.registry.groups.batch;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a cron schedule the way kube-apiserver does (robfig/cron's standard parser: five fields or a
 * descriptor such as {@code @hourly} / {@code @every 5m}) and returns the parser's error text, or null.
 */
final class CronSchedule {

    private record Bounds(int min, int max, Map<String, Integer> names) {
    }

    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2),
            Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7),
            Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));
    private static final Map<String, Integer> DAYS = Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4,
            "fri", 5, "sat", 6);
    private static final List<Bounds> FIELDS = List.of(new Bounds(0, 59, null), new Bounds(0, 23, null),
            new Bounds(1, 31, null), new Bounds(1, 12, MONTHS), new Bounds(0, 6, DAYS));
    private static final List<String> DESCRIPTORS = List.of("@yearly", "@annually", "@monthly", "@weekly", "@daily",
            "@midnight", "@hourly");
    private static final Pattern GO_DURATION = Pattern.compile("([0-9]*(\\.[0-9]*)?(ns|us|µs|ms|s|m|h))+|0");

    private CronSchedule() {
    }

    /** The parse error message, or null when the schedule is valid. */
    static String parseError(String schedule) {
        String spec = schedule.trim();
        if (spec.isEmpty()) {
            return "empty spec string";
        }
        if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
            int sp = spec.indexOf(' ');
            spec = sp < 0 ? "" : spec.substring(sp).trim();
        }
        if (spec.startsWith("@")) {
            return descriptorError(spec);
        }
        String[] fields = spec.isEmpty() ? new String[0] : spec.split("\\s+");
        if (fields.length != 5) {
            return "expected exactly 5 fields, found " + fields.length + ": [" + String.join(" ", fields) + "]";
        }
        for (int i = 0; i < 5; i++) {
            for (String expr : fields[i].split(",", -1)) {
                String err = rangeError(expr, FIELDS.get(i));
                if (err != null) {
                    return err;
                }
            }
        }
        return null;
    }

    private static String descriptorError(String spec) {
        if (DESCRIPTORS.contains(spec)) {
            return null;
        }
        if (spec.startsWith("@every ")) {
            String d = spec.substring("@every ".length());
            return GO_DURATION.matcher(d).matches() ? null
                    : "failed to parse duration " + spec + ": time: invalid duration \"" + d + "\"";
        }
        return "unrecognized descriptor: " + spec;
    }

    private static String rangeError(String expr, Bounds b) {
        String[] rangeAndStep = expr.split("/", -1);
        String[] lowHigh = rangeAndStep[0].split("-", -1);
        long start;
        long end;
        try {
            if (lowHigh[0].equals("*") || lowHigh[0].equals("?")) {
                start = b.min;
                end = b.max;
            } else {
                start = intOrName(lowHigh[0], b.names);
                if (lowHigh.length == 1) {
                    end = start;
                } else if (lowHigh.length == 2) {
                    end = intOrName(lowHigh[1], b.names);
                } else {
                    return "too many hyphens: " + expr;
                }
            }
            long step;
            if (rangeAndStep.length == 1) {
                step = 1;
            } else if (rangeAndStep.length == 2) {
                step = parseInt(rangeAndStep[1]);
                if (lowHigh.length == 1) {
                    end = b.max;
                }
            } else {
                return "too many slashes: " + expr;
            }
            if (start < b.min) {
                return "beginning of range (" + start + ") below minimum (" + b.min + "): " + expr;
            }
            if (end > b.max) {
                return "end of range (" + end + ") above maximum (" + b.max + "): " + expr;
            }
            if (start > end) {
                return "beginning of range (" + start + ") beyond end of range (" + end + "): " + expr;
            }
            if (step == 0) {
                return "step of range should be a positive number: " + expr;
            }
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static long intOrName(String expr, Map<String, Integer> names) {
        if (names != null && names.containsKey(expr.toLowerCase(Locale.ROOT))) {
            return names.get(expr.toLowerCase(Locale.ROOT));
        }
        return parseInt(expr);
    }

    private static long parseInt(String expr) {
        long n;
        try {
            n = Long.parseLong(expr);
        } catch (NumberFormatException e) {
            String why = expr.matches("[+-]?[0-9]+") ? "value out of range" : "invalid syntax";
            throw new IllegalArgumentException("failed to parse int from " + expr + ": strconv.Atoi: parsing \""
                    + expr + "\": " + why);
        }
        if (n < 0) {
            throw new IllegalArgumentException("negative number (" + n + ") not allowed: " + expr);
        }
        return n;
    }
}
