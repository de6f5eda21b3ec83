package dev.kapi.apiserver.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result table: one row per figure, Kapi beside the raw etcd baseline doing the same work, their
 * ratio, and the goal it is held against (if any). Printed as Markdown so it can go into
 * docs/benchmarks.md as it is.
 */
final class Report {

    private record Row(String metric, String kapi, String raw, String ratio, String goal, String met) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** A figure with a baseline (NaN when there is none) and the goal it is held against, if any. */
    void compare(String metric, String unit, double kapi, double raw, String goal, Boolean met) {
        rows.add(new Row(metric, num(kapi) + " " + unit, Double.isNaN(raw) ? "–" : num(raw) + " " + unit,
                Double.isNaN(raw) ? "–" : String.format(Locale.ROOT, "%.2f×", kapi / raw),
                goal == null ? "" : goal, met == null ? "" : met ? "**met**" : "**missed**"));
    }

    /** A figure the server could not produce (e.g. the request failed), beside its baseline. */
    void failed(String metric, String why, String unit, double raw) {
        rows.add(new Row(metric, why, num(raw) + " " + unit, "–", "", ""));
    }

    void note(String line) {
        notes.add(line);
        System.out.println("  note: " + line);
    }

    String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("| Figure | Kapi | raw etcd (jetcd) | Kapi / raw | Goal | |\n");
        s.append("|---|---:|---:|---:|---|---|\n");
        for (Row r : rows) {
            s.append("| ").append(r.metric).append(" | ").append(r.kapi).append(" | ").append(r.raw)
                    .append(" | ").append(r.ratio).append(" | ").append(r.goal).append(" | ").append(r.met)
                    .append(" |\n");
        }
        if (!notes.isEmpty()) {
            s.append('\n');
            for (String n : notes) {
                s.append("- ").append(n).append('\n');
            }
        }
        return s.toString();
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }
}
