package dev.kapi.apiserver.bench;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TlsClients;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Drives the read phases against a server started by hand (for profiling it, e.g. with JFR, or for comparing
 * two builds): fills {@code bench-list} with 10,000 ConfigMaps and {@code bench-get} with 1,000 (once; a
 * later run on the same server reuses them), then per round lists the 10,000 in one response 20 times
 * (median and min ms) and GETs random ones at 32 clients (gets/s), with the server's CPU per request.
 * Arguments: {@code <port> <server data dir> <server pid> [seconds per get round] [rounds]}.
 */
public final class ReadProfile {

    private ReadProfile() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dataDir = Path.of(args[1]);
        long pid = Long.parseLong(args[2]);
        Duration phase = Duration.ofSeconds(args.length > 3 ? Integer.parseInt(args[3]) : 10);
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        Certificates.Issued ca = TlsClients.ca(dataDir);
        BenchHttp.useTls(port, TlsClients.sslContext(ca.certificate(),
                TlsClients.clientCert(ca, "bench", "system:masters")));
        BenchWork work = new BenchWork(port, null);
        if (work.serverListResponse("bench-list").status() != 200 || work.serverList("bench-list") < 1000) {
            work.createNamespace("bench-list");
            work.createNamespace("bench-get");
            work.fillServer("bench-list", "l", 10_000);
            work.fillServer("bench-get", "g", 1_000);
        }
        for (int r = 0; r < rounds; r++) {
            long cpu = ProcStat.cpuMillis(pid);
            double[] ms = new double[20];
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                work.serverList("bench-list");
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            cpu = ProcStat.cpuMillis(pid) - cpu;
            Arrays.sort(ms);
            System.out.printf(Locale.ROOT, "round %d: list of 10,000 median %.1f ms, min %.1f ms (%d bytes), "
                    + "server CPU %.1f ms/list%n", r, ms[ms.length / 2], ms[0], work.lastListBytes(), cpu / 20.0);
            cpu = ProcStat.cpuMillis(pid);
            Load.Result gets = Load.run(32, phase, i -> work.serverGet("bench-get", "g", 1_000), null);
            cpu = ProcStat.cpuMillis(pid) - cpu;
            System.out.printf(Locale.ROOT, "round %d: %,.0f gets/s at 32 clients, p50 %.2f ms, server CPU %.3f ms/get%n",
                    r, gets.perSecond(), gets.latencies().percentileMillis(50), (double) cpu / Math.max(1, gets.ops()));
        }
    }
}
