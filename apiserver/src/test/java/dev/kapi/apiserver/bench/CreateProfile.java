package dev.kapi.apiserver.bench;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TlsClients;
import io.etcd.jetcd.Client;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Drives ConfigMap creates at 32 clients against a server started by hand (for profiling it, e.g. with
 * JFR), and prints creates/s and the server's CPU per create; optionally the raw etcd put baseline.
 * Arguments: {@code <port> <server data dir> <server pid> [seconds] [rounds] [etcd endpoint]}.
 */
public final class CreateProfile {

    private CreateProfile() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dataDir = Path.of(args[1]);
        long pid = Long.parseLong(args[2]);
        Duration phase = Duration.ofSeconds(args.length > 3 ? Integer.parseInt(args[3]) : 10);
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        String etcdEndpoint = args.length > 5 ? args[5] : null;
        Certificates.Issued ca = TlsClients.ca(dataDir);
        BenchHttp.useTls(port, TlsClients.sslContext(ca.certificate(),
                TlsClients.clientCert(ca, "bench", "system:masters")));
        try (Client etcd = etcdEndpoint == null ? null : Client.builder().endpoints(etcdEndpoint).build()) {
            BenchWork work = new BenchWork(port, etcd == null ? null : etcd.getKVClient());
            String ns = "bench-create-" + System.currentTimeMillis();
            work.createNamespace(ns);
            for (int r = 0; r < rounds; r++) {
                String tag = "r" + r;
                long cpu = ProcStat.cpuMillis(pid);
                Load.Result kapi = Load.run(32, phase, i -> work.serverCreate(ns, tag + "-" + i), null);
                cpu = ProcStat.cpuMillis(pid) - cpu;
                System.out.printf(Locale.ROOT, "round %d: kapi %,.0f creates/s, p50 %.2f ms, server CPU %.3f ms/create",
                        r, kapi.perSecond(), kapi.latencies().percentileMillis(50), (double) cpu / Math.max(1, kapi.ops()));
                if (etcd != null) {
                    Load.Result raw = Load.run(32, phase, i -> work.rawPut("/bench-raw/create/" + tag + "-" + i + "-"), null);
                    System.out.printf(Locale.ROOT, "; raw %,.0f puts/s (ratio %.2f)", raw.perSecond(),
                            kapi.perSecond() / raw.perSecond());
                }
                System.out.println();
            }
        }
    }
}
