package dev.kapi.apiserver.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result tables: one section per comparison (Kapi on etcd beside raw etcd, RBAC beside AlwaysAllow,
 * the embedded store beside etcd, startup), each with one row per figure, the figure beside its baseline,
 * their ratio, the goal it is held against (if any), and notes. Printed as Markdown so it can go into
 * docs/benchmarks.md as it is.
 */
final class Report {

    private record Row(String metric, String kapi, String raw, String ratio, String goal, String met) {
    }

    private record Section(String title, String kapiColumn, String baseColumn, List<Row> rows, List<String> notes) {
    }

    private final List<Section> sections = new ArrayList<>();

    Report() {
        section("Kapi on etcd beside raw etcd", "Kapi", "raw etcd (jetcd)");
    }

    /** Starts a new table: later rows and notes go into it. */
    void section(String title, String kapiColumn, String baseColumn) {
        sections.add(new Section(title, kapiColumn, baseColumn, new ArrayList<>(), new ArrayList<>()));
    }

    private Section current() {
        return sections.getLast();
    }

    /** A figure with a baseline (NaN when there is none) and the goal it is held against, if any. */
    void compare(String metric, String unit, double kapi, double raw, String goal, Boolean met) {
        current().rows().add(new Row(metric, num(kapi) + " " + unit, Double.isNaN(raw) ? "–" : num(raw) + " " + unit,
                Double.isNaN(raw) ? "–" : String.format(Locale.ROOT, "%.2f×", kapi / raw),
                goal == null ? "" : goal, met == null ? "" : met ? "**met**" : "**missed**"));
    }

    /** A figure the server could not produce (e.g. the request failed), beside its baseline. */
    void failed(String metric, String why, String unit, double raw) {
        current().rows().add(new Row(metric, why, Double.isNaN(raw) ? "–" : num(raw) + " " + unit, "–", "", ""));
    }

    void note(String line) {
        current().notes().add(line);
        System.out.println("  note: " + line);
    }

    String markdown() {
        StringBuilder s = new StringBuilder();
        for (Section section : sections) {
            if (section.rows().isEmpty() && section.notes().isEmpty()) {
                continue;
            }
            s.append("### ").append(section.title()).append("\n\n");
            if (!section.rows().isEmpty()) {
                s.append("| Figure | ").append(section.kapiColumn()).append(" | ").append(section.baseColumn())
                        .append(" | ratio | Goal | |\n");
                s.append("|---|---:|---:|---:|---|---|\n");
                for (Row r : section.rows()) {
                    s.append("| ").append(r.metric).append(" | ").append(r.kapi).append(" | ").append(r.raw)
                            .append(" | ").append(r.ratio).append(" | ").append(r.goal).append(" | ").append(r.met)
                            .append(" |\n");
                }
            }
            if (!section.notes().isEmpty()) {
                s.append('\n');
                for (String n : section.notes()) {
                    s.append("- ").append(n).append('\n');
                }
            }
            s.append('\n');
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
