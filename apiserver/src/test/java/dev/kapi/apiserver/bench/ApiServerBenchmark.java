package dev.kapi.apiserver.bench;

import ch.qos.logback.classic.Level;
import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import io.etcd.jetcd.Client;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kapi's benchmark harness (a main, not a test). In one run, one server after the other as child
 * processes:
 * <ol>
 * <li>an etcd and the server jar on it ({@code AlwaysAllow}): creates/s and gets/s at 1 and 32 clients,
 * the latency of a full list, watch delivery latency with many watchers, each beside a raw jetcd baseline
 * doing the same work against the same etcd, and the server's heap per idle watch;</li>
 * <li>the cost of RBAC ({@link RbacPhase}): a second server on the same etcd with {@code RBAC}, a
 * token-file user bound to {@code edit}, creates at 32 clients on both;</li>
 * <li>the cost of server-side apply ({@link ApplyPhase}) beside a plain update of the same object, on the
 * first server: a Deployment with 30 containers and a ConfigMap with 1,000 keys;</li>
 * <li>a server on the embedded store (SQLite): the same creates, gets, list and watch phases, beside the
 * etcd-backed server's figures;</li>
 * <li>startup time and idle memory on the embedded store, with and without a CDS archive or AOT cache
 * ({@link StartupPhase}).</li>
 * </ol>
 * Prints Markdown tables. {@code -Dbench.compaction=true} instead runs {@link CompactionRun};
 * {@code -Dbench.workloads=true} issue #15's Deployment on simulated nodes ({@link WorkloadRun});
 * {@code -Dbench.startupOnly=true} only the startup measurements; {@code -Dbench.scale=true} the scale run
 * ({@link ScaleRun}); {@code -Dbench.readPath=true} only the phases issue #14's goals need; {@code -Dbench.rbacOnly=true} only the RBAC
 * cost; {@code -Dbench.applyOnly=true} only the apply cost; {@code -Dbench.admissionOnly=true} only the cost of a
 * validating webhook and a CEL policy ({@link AdmissionPhase}). Run from the
 * repository root:
 *
 * <pre>
 * ./mvnw -B -q -pl apiserver package -DskipTests
 * ./mvnw -B -q -pl apiserver test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.kapi.apiserver.bench.ApiServerBenchmark [-Dbench.quick=true] [-Dbench.compaction=true]
 *     [-Dbench.applyOnly=true] [-Dbench.crdsOnly=true]
 *     [-Dbench.admissionOnly=true] [-Dbench.scale=true] [-Dbench.readPath=true]
 * </pre>
 *
 * Options are system properties, see {@link BenchOptions}.
 */
public final class ApiServerBenchmark {

    private ApiServerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        BenchOptions options = BenchOptions.fromSystemProperties();
        Files.createDirectories(options.workDir());
        long started = System.nanoTime();
        System.out.printf("Kapi benchmark (%s run%s), work dir %s%n", options.quick() ? "quick" : "full",
                options.compaction() ? ", compaction mode" : Boolean.getBoolean("bench.scale") ? ", scale mode"
                        : Boolean.getBoolean("bench.readPath") ? ", read-path mode" : "", options.workDir());
        System.out.printf("%d CPUs, load average %s%n", Runtime.getRuntime().availableProcessors(), loadAverage());
        try {
            if (options.compaction()) {
                CompactionRun.run(options);
            } else if (Boolean.getBoolean("bench.workloads")) {
                Report report = new Report();
                WorkloadRun.run(options, report);
                System.out.println();
                System.out.println(report.markdown());
            } else if (Boolean.getBoolean("bench.scale")) {
                Report report = new Report();
                ScaleRun.run(options, report);
                System.out.println();
                System.out.println(report.markdown());
            } else if (Boolean.getBoolean("bench.readPath")) {
                Report report = new Report();
                runReadPath(options, report);
                System.out.println();
                System.out.println(report.markdown());
            } else if (Boolean.getBoolean("bench.idleOnly") || Boolean.getBoolean("bench.createsOnly")) {
                Report report = new Report();
                runOnEtcdOnly(options, report, Boolean.getBoolean("bench.createsOnly"));
                System.out.println();
                System.out.println(report.markdown());
            } else if (Boolean.getBoolean("bench.applyOnly")) {
                Report report = new Report();
                runApplyOnly(options, report);
                System.out.println();
                System.out.println(report.markdown());
            } else if (Boolean.getBoolean("bench.crdsOnly")) {
                Report report = new Report();
                runCrdsOnly(options, report);
                System.out.println();
                System.out.println(report.markdown());
            } else if (Boolean.getBoolean("bench.admissionOnly")) {
                Report report = new Report();
                runAdmissionOnly(options, report);
                System.out.println();
                System.out.println(report.markdown());
            } else if (Boolean.getBoolean("bench.rbacOnly")) {
                Report report = new Report();
                runRbacOnly(options, report);
                System.out.println();
                System.out.println(report.markdown());
            } else if (options.startupOnly()) {
                Report report = new Report();
                StartupPhase.run(options, report);
                System.out.println();
                System.out.println(report.markdown());
            } else {
                Report report = new Report();
                runAll(options, report);
                System.out.println();
                System.out.println(report.markdown());
            }
        } finally {
            if (!options.keepWorkDir()) {
                LocalEtcdProcess.deleteRecursively(options.workDir());
            }
        }
        System.out.printf("done in %.0f s; load average now %s%n", (System.nanoTime() - started) / 1e9, loadAverage());
    }

    /**
     * {@code -Dbench.readPath=true}: what issue #14's goals need, on a server on etcd beside raw etcd: the
     * warm-up, creates at 1 and 32 clients (beside raw create transactions), gets at 1 and 32 clients, the list of
     * {@code bench.listSize} ConfigMaps in one response and in pages, watch delivery to {@code bench.watchers}.
     */
    private static void runReadPath(BenchOptions options, Report report) throws Exception {
        Path tokens = options.workDir().resolve("tokens.csv");
        RbacPhase.writeTokenFile(tokens);
        LocalEtcdProcess etcdProcess = LocalEtcdProcess.start(options.workDir().resolve("etcd"));
        try (Client etcd = Client.builder().endpoints(etcdProcess.endpoint()).maxInboundMessageSize(512 * 1024 * 1024).build();
             ServerProcess server = ServerProcess.start(options,
                     ServerProcess.Spec.etcd("server-etcd", etcdProcess.endpoint(), "AlwaysAllow", tokens, "/registry"))) {
            System.out.printf("etcd %s, server pid %d on 127.0.0.1:%d (log %s)%n", etcdProcess.endpoint(),
                    server.pid(), server.port(), server.log());
            ServerPhases phases = new ServerPhases(options, server, etcd, report, new HashMap<>());
            phases.createNamespaces();
            phases.warmUp();
            phases.creates(); // 1 client, then 32: the 1-client phase also warms the JIT, as in the full run
            phases.gets();
            phases.list();
            phases.watchLatency();
            readPathOnEmbeddedStore(options, report, etcd, tokens);
        } finally {
            etcdProcess.close();
        }
    }

    /**
     * The read phases again on a server on the embedded store, beside raw etcd measured again: there consistent
     * reads come from the watch cache whatever the etcd version (etcd before 3.4.31 cannot confirm that the
     * cache caught up, so on it they go to etcd).
     */
    private static void readPathOnEmbeddedStore(BenchOptions options, Report report, Client etcd, Path tokens)
            throws Exception {
        phase("embedded store: starting a server without --etcd-servers");
        try (ServerProcess server = ServerProcess.start(options,
                ServerProcess.Spec.embedded("server-embedded", "AlwaysAllow", tokens))) {
            System.out.printf("server pid %d on 127.0.0.1:%d (log %s)%n", server.pid(), server.port(), server.log());
            report.section("Kapi on the embedded store (SQLite) beside raw etcd", "Kapi on embedded store",
                    "raw etcd (jetcd)");
            ServerPhases phases = new ServerPhases(options, server, etcd, report, new HashMap<>());
            phases.createNamespaces();
            phases.warmUp();
            phases.gets();
            phases.list();
        }
    }

    /** {@code -Dbench.rbacOnly=true}: only the RBAC cost phase (RBAC against AlwaysAllow), after a warm-up. */
    private static void runRbacOnly(BenchOptions options, Report report) throws Exception {
        Path tokens = options.workDir().resolve("tokens.csv");
        String token = RbacPhase.writeTokenFile(tokens);
        LocalEtcdProcess etcdProcess = LocalEtcdProcess.start(options.workDir().resolve("etcd"));
        try (Client etcd = Client.builder().endpoints(etcdProcess.endpoint()).build();
             ServerProcess server = ServerProcess.start(options,
                     ServerProcess.Spec.etcd("server-etcd", etcdProcess.endpoint(), "AlwaysAllow", tokens, "/registry"))) {
            ServerPhases phases = new ServerPhases(options, server, etcd, report, new HashMap<>());
            phases.createNamespaces();
            phases.warmUp();
            RbacPhase.run(options, server, etcdProcess.endpoint(), tokens, token, report);
        } finally {
            etcdProcess.close();
        }
    }

    /** {@code -Dbench.admissionOnly=true}: only the cost of a validating webhook and a CEL policy ({@link AdmissionPhase}). */
    private static void runAdmissionOnly(BenchOptions options, Report report) throws Exception {
        Path tokens = options.workDir().resolve("tokens.csv");
        RbacPhase.writeTokenFile(tokens);
        LocalEtcdProcess etcdProcess = LocalEtcdProcess.start(options.workDir().resolve("etcd"));
        try (ServerProcess server = ServerProcess.start(options,
                ServerProcess.Spec.etcd("server-etcd", etcdProcess.endpoint(), "AlwaysAllow", tokens, "/registry"))) {
            AdmissionPhase.run(options, server, report);
        } finally {
            etcdProcess.close();
        }
    }

    /** {@code -Dbench.crdsOnly=true}: only the cost of many CRDs ({@link CrdPhase}), on a fresh server on etcd. */
    private static void runCrdsOnly(BenchOptions options, Report report) throws Exception {
        Path tokens = options.workDir().resolve("tokens.csv");
        RbacPhase.writeTokenFile(tokens);
        LocalEtcdProcess etcdProcess = LocalEtcdProcess.start(options.workDir().resolve("etcd"));
        try (Client etcd = Client.builder().endpoints(etcdProcess.endpoint()).build();
             ServerProcess server = ServerProcess.start(options,
                     ServerProcess.Spec.etcd("server-etcd", etcdProcess.endpoint(), "AlwaysAllow", tokens, "/registry"))) {
            CrdPhase.run(server, etcd, report);
        } finally {
            etcdProcess.close();
        }
    }

    /** {@code -Dbench.applyOnly=true}: only the apply cost phase (apply against update), after the warm-up. */
    private static void runApplyOnly(BenchOptions options, Report report) throws Exception {
        Path tokens = options.workDir().resolve("tokens.csv");
        RbacPhase.writeTokenFile(tokens);
        LocalEtcdProcess etcdProcess = LocalEtcdProcess.start(options.workDir().resolve("etcd"));
        try (Client etcd = Client.builder().endpoints(etcdProcess.endpoint()).build();
             ServerProcess server = ServerProcess.start(options,
                     ServerProcess.Spec.etcd("server-etcd", etcdProcess.endpoint(), "AlwaysAllow", tokens, "/registry"))) {
            System.out.printf("etcd %s, server pid %d on 127.0.0.1:%d (log %s)%n", etcdProcess.endpoint(),
                    server.pid(), server.port(), server.log());
            ServerPhases phases = new ServerPhases(options, server, etcd, report, new HashMap<>());
            phases.createNamespaces();
            phases.warmUp();
            ApplyPhase.run(options, server, report);
        } finally {
            etcdProcess.close();
        }
    }

    /**
     * {@code -Dbench.idleOnly=true}: only the heap per idle watch, on a fresh server on etcd;
     * {@code -Dbench.createsOnly=true}: only the warm-up and the creates beside raw etcd.
     */
    private static void runOnEtcdOnly(BenchOptions options, Report report, boolean creates) throws Exception {
        RbacPhase.writeTokenFile(options.workDir().resolve("tokens.csv"));
        LocalEtcdProcess etcdProcess = LocalEtcdProcess.start(options.workDir().resolve("etcd"));
        try (Client etcd = Client.builder().endpoints(etcdProcess.endpoint()).build();
             ServerProcess server = ServerProcess.start(options, ServerProcess.Spec.etcd("server-etcd",
                     etcdProcess.endpoint(), "AlwaysAllow", options.workDir().resolve("tokens.csv"), "/registry"))) {
            ServerPhases phases = new ServerPhases(options, server, etcd, report, new HashMap<>());
            phases.createNamespaces();
            if (creates) {
                report.section("Kapi on etcd beside raw etcd", "Kapi", "raw etcd (jetcd)");
                phases.warmUp();
                phases.creates();
            } else {
                report.section("Kapi on etcd: heap per idle watch", "Kapi", "–");
                phases.idleWatches();
            }
        } finally {
            etcdProcess.close();
        }
    }

    private static void runAll(BenchOptions options, Report report) throws Exception {
        Map<String, Double> etcdFigures = new HashMap<>();
        Path tokens = options.workDir().resolve("tokens.csv");
        String token = RbacPhase.writeTokenFile(tokens);
        LocalEtcdProcess etcdProcess = LocalEtcdProcess.start(options.workDir().resolve("etcd"));
        try (Client etcd = Client.builder().endpoints(etcdProcess.endpoint())
                .maxInboundMessageSize(512 * 1024 * 1024).build();
             ServerProcess server = ServerProcess.start(options,
                     ServerProcess.Spec.etcd("server-etcd", etcdProcess.endpoint(), "AlwaysAllow", tokens, "/registry"))) {
            System.out.printf("etcd %s, server pid %d on 127.0.0.1:%d (log %s)%n", etcdProcess.endpoint(),
                    server.pid(), server.port(), server.log());
            ServerPhases phases = new ServerPhases(options, server, etcd, report, etcdFigures);
            phases.createNamespaces();
            phases.warmUp();
            phases.creates();
            phases.gets();
            phases.list();
            phases.watchLatency();
            RbacPhase.run(options, server, etcdProcess.endpoint(), tokens, token, report);
            ApplyPhase.run(options, server, report);
            AdmissionPhase.run(options, server, report);
            report.section("Kapi on etcd: heap per idle watch", "Kapi", "–");
            phases.idleWatches();
        } finally {
            etcdProcess.close();
        }
        phase("embedded store: starting a server without --etcd-servers");
        try (ServerProcess server = ServerProcess.start(options, ServerProcess.Spec.embedded("server-embedded", "AlwaysAllow", tokens))) {
            System.out.printf("server pid %d on 127.0.0.1:%d (log %s)%n", server.pid(), server.port(), server.log());
            report.section("Kapi on the embedded store (SQLite) beside Kapi on etcd", "Kapi on embedded store", "Kapi on etcd");
            ServerPhases phases = new ServerPhases(options, server, null, report, etcdFigures);
            phases.createNamespaces();
            phases.warmUp();
            phases.creates();
            phases.gets();
            phases.list();
            phases.watchLatency();
        }
        StartupPhase.run(options, report);
    }

    static void phase(String name) {
        System.out.println("== " + name + " (load average " + loadAverage() + ")");
    }

    /** The 1, 5 and 15 minute load averages of the machine (other processes share its cores). */
    static String loadAverage() {
        try {
            String[] f = Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }
}
