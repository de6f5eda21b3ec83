package dev.kapi.apiserver.bench;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** The scale mode's figures into the {@link Report}: SLO categories, heap beside stored bytes, restart times. */
final class ScaleReport {

    /** Milliseconds from launching a server ({@code startNanos}) until each answer was first 200. */
    record Restart(long startNanos, double readyMillis, double listMillis, double rv0Millis) {
    }

    private ScaleReport() {
    }

    /**
     * One row per SLO category, judged as kube judges its SLO, per operation (resource, verb and scope): the
     * worst operation's p99 beside the SLO, goal 10× under it. The whole category's p50/p99/max/count are notes.
     */
    static void traffic(ScaleTraffic.Result r, Report report) {
        for (ScaleTraffic.Category c : ScaleTraffic.Category.values()) {
            String worst = null;
            double worstP99 = Double.NaN;
            for (Map.Entry<String, Latencies> e : r.operations().entrySet()) {
                double p99 = e.getValue().percentileMillis(99);
                if (r.operationCategories().get(e.getKey()) == c && (worst == null || p99 > worstP99)) {
                    worst = e.getKey();
                    worstP99 = p99;
                }
            }
            Latencies l = r.categories().get(c);
            boolean margin = worst != null && worstP99 <= c.sloMillis / 10.0;
            report.compare(String.format(Locale.ROOT, "%s: worst p99 of an operation (%s, %,d calls)", c.title,
                            worst == null ? "none" : worst, worst == null ? 0 : r.operations().get(worst).count()), "ms",
                    worstP99, c.sloMillis, String.format(Locale.ROOT, "p99 ≤ %s ms (SLO %s s / 10)",
                            Report.num(c.sloMillis / 10.0), Report.num(c.sloMillis / 1000.0)), margin);
            report.note(String.format(Locale.ROOT, "%s: %,d calls (%.1f /s), p50 %.1f ms, p99 %.1f ms, max %.1f ms; worst "
                            + "operation's p99 %.1f ms: kube's SLO (p99 ≤ %d s) %s, 10× margin %s", c.title, l.count(),
                    l.count() / r.seconds(), l.percentileMillis(50), l.percentileMillis(99), l.maxMillis(), worstP99,
                    c.sloMillis / 1000, worst != null && worstP99 <= c.sloMillis ? "met" : "MISSED", margin ? "met" : "MISSED"));
        }
        Map<String, Latencies> ops = new TreeMap<>(r.operations());
        StringBuilder s = new StringBuilder("per operation (calls, p50 / p99 / max ms): ");
        ops.forEach((op, l) -> s.append(String.format(Locale.ROOT, "%s %,d, %.1f / %.1f / %.1f; ", op, l.count(),
                l.percentileMillis(50), l.percentileMillis(99), l.maxMillis())));
        report.note(s.substring(0, s.length() - 2));
        report.note(String.format(Locale.ROOT, "errors: %d (other answers than expected, or broken connections); "
                + "409 conflicts of read-modify-write updates: %d", r.errors(), r.conflicts()));
        r.errorSamples().forEach(e -> report.note("  error: `" + e.replace('`', '\'') + "`"));
        report.note("lists of every Pod, in call order (start into the traffic: duration): "
                + String.join("; ", r.everyPodLists()));
    }

    /** The heap beside the stored bytes; goal ≤ 3×. */
    /**
     * The live heap ({@link ServerProcess#liveHeapBytes()}) beside the stored bytes, with the heap's "used" after
     * {@code GC.run} as a note.
     */
    static void heap(String what, ServerProcess server, long stored, Report report)
            throws java.io.IOException, InterruptedException {
        long used = server.usedHeapAfterGc();
        long live = server.liveHeapBytes();
        heap(what, live, stored, report);
        report.note(String.format(Locale.ROOT, "%s: live objects %,d MB; the heap's \"used\" after GC.run %,d MB",
                what, live >> 20, used >> 20));
    }

    static void heap(String what, long heap, long stored, Report report) {
        System.out.printf(Locale.ROOT, "  %s: %,d MB (stored values %,d MB, %.2f×)%n", what, heap >> 20, stored >> 20,
                (double) heap / stored);
        report.compare(what, "MB", heap / 1048576.0, stored / 1048576.0, "≤ 3× stored bytes", heap <= 3 * stored);
    }

    /** Polls a just launched server every 20 ms (up to 5 minutes) until all three answers were 200. */
    static Restart awaitStart(ServerProcess server, String namespace) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MINUTES.toNanos(5);
        String list = "/api/v1/namespaces/" + namespace + "/configmaps";
        double ready = Double.NaN;
        double consistent = Double.NaN;
        double rv0 = Double.NaN;
        boolean tls = false;
        while (Double.isNaN(ready) || Double.isNaN(consistent) || Double.isNaN(rv0)) {
            if (System.nanoTime() > deadline || !server.isAlive()) {
                throw new IllegalStateException("server not ready (or exited); see " + server.log());
            }
            if (!tls) {
                tls = server.trustCaIfPresent();
            }
            try (BenchHttp http = new BenchHttp(server.port())) {
                if (Double.isNaN(ready) && http.send("GET", "/readyz", null).status() == 200) {
                    ready = (System.nanoTime() - start) / 1e6;
                }
                if (Double.isNaN(consistent) && http.send("GET", list, null).status() == 200) {
                    consistent = (System.nanoTime() - start) / 1e6;
                }
                if (Double.isNaN(rv0) && http.send("GET", list + "?resourceVersion=0", null).status() == 200) {
                    rv0 = (System.nanoTime() - start) / 1e6;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        System.out.printf(Locale.ROOT, "  /readyz 200 after %.0f ms, consistent list after %.0f ms, resourceVersion=0 list "
                + "after %.0f ms%n", ready, consistent, rv0);
        return new Restart(start, ready, consistent, rv0);
    }

    /**
     * After a restart: lists every Pod with {@code resourceVersion=0} until it answers 200 (up to 3 minutes;
     * a server whose own informers are still listing may answer 503), reports the time since launch and
     * the failed attempts, then times one consistent list of every Pod.
     */
    static void clusterListsAfterRestart(ServerProcess server, Restart restart, Report report)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        int failures = 0;
        String lastFailure = "";
        try (BenchHttp http = new BenchHttp(server.port())) {
            while (true) {
                BenchHttp.Response r = http.send("GET", "/api/v1/pods?resourceVersion=0", null);
                if (r.status() == 200) {
                    report.compare(String.format(Locale.ROOT, "restart: start until a list of every Pod with `resourceVersion=0` "
                                    + "answers 200 (%,d bytes; %d failed attempts before)", r.body().length, failures), "ms",
                            (System.nanoTime() - restart.startNanos()) / 1e6, Double.NaN, null, null);
                    break;
                }
                failures++;
                lastFailure = "HTTP " + r.status() + " " + r.text().substring(0, Math.min(200, r.text().length()));
                if (System.nanoTime() > deadline) {
                    report.failed("restart: start until a list of every Pod with `resourceVersion=0` answers 200",
                            failures + " failures in 3 minutes", "ms", Double.NaN);
                    break;
                }
                Thread.sleep(500);
            }
            if (failures > 0) {
                report.note("after the restart, lists of every Pod failed " + failures + " times first; the last: `"
                        + lastFailure.replace('`', '\'') + "`");
            }
            long t = System.nanoTime();
            BenchHttp.Response r = http.send("GET", "/api/v1/pods", null);
            double ms = (System.nanoTime() - t) / 1e6;
            if (r.status() == 200) {
                report.compare("restart: then a consistent list of every Pod", "ms", ms, Double.NaN, null, null);
            } else {
                report.failed("restart: then a consistent list of every Pod", "HTTP " + r.status(), "ms", Double.NaN);
                report.note("the consistent list of every Pod after the restart: `HTTP " + r.status() + " "
                        + r.text().substring(0, Math.min(200, r.text().length())).replace('`', '\'') + "`");
            }
        }
    }
}
