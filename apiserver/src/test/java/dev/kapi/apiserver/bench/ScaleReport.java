package dev.kapi.apiserver.bench;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** The scale mode's figures into the {@link Report}: SLO categories, heap beside stored bytes, restart times. */
final class ScaleReport {

    /** Milliseconds from launching the restarted server until each answer was first 200. */
    record Restart(double readyMillis, double listMillis, double rv0Millis) {
    }

    private ScaleReport() {
    }

    /** One row per SLO category (p99 beside the SLO; goal: 10× under it), p50/max/count/SLO as notes. */
    static void traffic(ScaleTraffic.Result r, Report report) {
        for (ScaleTraffic.Category c : ScaleTraffic.Category.values()) {
            Latencies l = r.categories().get(c);
            double p99 = l.percentileMillis(99);
            boolean any = l.count() > 0;
            report.compare(String.format(Locale.ROOT, "%s, p99 (%,d calls)", c.title, l.count()), "ms", p99, c.sloMillis,
                    String.format(Locale.ROOT, "p99 ≤ %s ms (SLO %s s / 10)", Report.num(c.sloMillis / 10.0),
                            Report.num(c.sloMillis / 1000.0)), any && p99 <= c.sloMillis / 10.0);
            String line = String.format(Locale.ROOT, "%s: %,d calls (%.1f /s), p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
                            + "kube's SLO (p99 ≤ %d s) %s, 10× margin %s", c.title, l.count(), l.count() / r.seconds(),
                    l.percentileMillis(50), p99, l.maxMillis(), c.sloMillis / 1000, any && p99 <= c.sloMillis ? "met" : "MISSED",
                    any && p99 <= c.sloMillis / 10.0 ? "met" : "MISSED");
            report.note(line);
        }
        Map<String, Latencies> ops = new TreeMap<>(r.operations());
        StringBuilder s = new StringBuilder("per operation (calls, p50 / p99 / max ms): ");
        ops.forEach((op, l) -> s.append(String.format(Locale.ROOT, "%s %,d, %.1f / %.1f / %.1f; ", op, l.count(),
                l.percentileMillis(50), l.percentileMillis(99), l.maxMillis())));
        report.note(s.substring(0, s.length() - 2));
        report.note(String.format(Locale.ROOT, "errors: %d (other answers than expected, or broken connections); "
                + "409 conflicts of read-modify-write updates: %d", r.errors(), r.conflicts()));
        r.errorSamples().forEach(e -> report.note("  error: `" + e.replace('`', '\'') + "`"));
    }

    /** The heap beside the stored bytes; goal ≤ 3×. */
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
        return new Restart(ready, consistent, rv0);
    }

    /** Times the first cluster-wide Pod list after the restart, consistent and with {@code resourceVersion=0}. */
    static void clusterListsAfterRestart(ServerProcess server, Report report) throws IOException {
        try (BenchHttp http = new BenchHttp(server.port())) {
            for (String rv : new String[] {"", "?resourceVersion=0"}) {
                long t = System.nanoTime();
                BenchHttp.Response r = http.send("GET", "/api/v1/pods" + rv, null);
                double ms = (System.nanoTime() - t) / 1e6;
                if (r.status() != 200) {
                    report.failed("restart: first list of every Pod" + (rv.isEmpty() ? " (consistent)" : ", `resourceVersion=0`"),
                            "HTTP " + r.status(), "ms", Double.NaN);
                } else {
                    report.compare("restart: first list of every Pod" + (rv.isEmpty() ? " (consistent)" : ", `resourceVersion=0`")
                            + String.format(Locale.ROOT, " (%,d bytes)", r.body().length), "ms", ms, Double.NaN, null, null);
                }
            }
        }
    }
}
