package dev.kapi.apiserver.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * The cost of RBAC: creates/s at 32 clients by a token-file user (not system:masters, which is allowed
 * before RBAC is asked) on the AlwaysAllow server under test and on a second server on the same etcd
 * (its own key prefix) with {@code --authorization-mode=RBAC}, where an admin-created RoleBinding grants
 * the user the bootstrap ClusterRole {@code edit} in the benchmark namespace. Both servers stay up and
 * the measurements alternate (AlwaysAllow, RBAC, AlwaysAllow, RBAC) so that a change in the host's load
 * hits both alike.
 */
final class RbacPhase {

    static final String USER = "bench-user";
    static final String NAMESPACE = "bench-rbac";
    private static final int CLIENTS = 32;
    private static final int ROUNDS = 4;

    private RbacPhase() {
    }

    /** A token file with one line for {@link #USER} (group {@code bench-group}); returns the token. */
    static String writeTokenFile(Path file) throws Exception {
        String token = "bench-" + UUID.randomUUID();
        Files.writeString(file, token + "," + USER + ",bench-uid,\"bench-group\"\n");
        return token;
    }

    static void run(BenchOptions options, ServerProcess allowServer, String etcdEndpoint, Path tokenFile, String token,
                    Report report) throws Exception {
        ApiServerBenchmark.phase("RBAC: starting a second server with --authorization-mode=RBAC");
        try (ServerProcess rbacServer = ServerProcess.start(options,
                ServerProcess.Spec.etcd("server-rbac", etcdEndpoint, "RBAC", tokenFile, "/registry-rbac"))) {
            BenchWork allow = new BenchWork(allowServer.port(), null);
            BenchWork rbac = new BenchWork(rbacServer.port(), null);
            allow.createNamespace(NAMESPACE);
            rbac.createNamespace(NAMESPACE);
            grantEdit(rbacServer);
            BenchHttp.Credentials allowUser = allowServer.bearer(token);
            BenchHttp.Credentials rbacUser = rbacServer.bearer(token);
            awaitAllowed(rbacServer, rbacUser);
            ApiServerBenchmark.phase("RBAC: warm-up of the RBAC server (" + options.warmup().toSeconds()
                    + " s of token-user creates) and of the AlwaysAllow server's token path (" + options.phase().toSeconds() + " s)");
            Load.run(CLIENTS, options.warmup(), i -> rbac.serverCreateAs(rbacUser, NAMESPACE, "w" + i), null);
            Load.run(CLIENTS, options.phase(), i -> allow.serverCreateAs(allowUser, NAMESPACE, "w" + i), null);
            long allowOps = 0;
            long rbacOps = 0;
            double allowSeconds = 0;
            double rbacSeconds = 0;
            double allowP99 = 0;
            double rbacP99 = 0;
            for (int round = 0; round < ROUNDS; round++) {
                ApiServerBenchmark.phase("RBAC: round " + (round + 1) + " of " + ROUNDS + ", creates at " + CLIENTS
                        + " clients as " + USER + (round % 2 == 0 ? ", AlwaysAllow then RBAC" : ", RBAC then AlwaysAllow"));
                int r = round;
                // the order alternates: both servers share one etcd, which slows as it fills during the rounds
                Load.Result a;
                Load.Result b;
                if (round % 2 == 0) {
                    a = Load.run(CLIENTS, options.phase(),
                            i -> allow.serverCreateAs(allowUser, NAMESPACE, "r" + r + "-" + i), allowServer);
                    b = Load.run(CLIENTS, options.phase(),
                            i -> rbac.serverCreateAs(rbacUser, NAMESPACE, "r" + r + "-" + i), rbacServer);
                } else {
                    b = Load.run(CLIENTS, options.phase(),
                            i -> rbac.serverCreateAs(rbacUser, NAMESPACE, "r" + r + "-" + i), rbacServer);
                    a = Load.run(CLIENTS, options.phase(),
                            i -> allow.serverCreateAs(allowUser, NAMESPACE, "r" + r + "-" + i), allowServer);
                }
                System.out.print("  AlwaysAllow:");
                ServerPhases.printLoad(a, null);
                System.out.print("  RBAC:       ");
                ServerPhases.printLoad(b, null);
                allowOps += a.ops();
                allowSeconds += a.seconds();
                rbacOps += b.ops();
                rbacSeconds += b.seconds();
                allowP99 = Math.max(allowP99, a.latencies().percentileMillis(99));
                rbacP99 = Math.max(rbacP99, b.latencies().percentileMillis(99));
            }
            double allowRate = allowOps / allowSeconds;
            double rbacRate = rbacOps / rbacSeconds;
            double cost = 1 - rbacRate / allowRate;
            System.out.printf(Locale.ROOT, "  RBAC / AlwaysAllow = %.3f (cost %.1f%%)%n", rbacRate / allowRate, cost * 100);
            report.section("RBAC beside AlwaysAllow (token-file user `" + USER + "` bound to ClusterRole `edit` in `"
                    + NAMESPACE + "`, 32 clients)", "RBAC", "AlwaysAllow");
            report.compare("creates/s, 32 clients", "/s", rbacRate, allowRate, "cost < 10% (ratio ≥ 0.90)",
                    rbacRate >= 0.9 * allowRate);
            report.compare("create p99, 32 clients (worst round)", "ms", rbacP99, allowP99, null, null);
            report.note(String.format(Locale.ROOT, "RBAC costs %.1f%% of the create rate (%d alternating rounds of %d s"
                            + " each; both servers on the same etcd, the RBAC one under the key prefix /registry-rbac;"
                            + " the RBAC server was warmed up for %d s)", cost * 100, ROUNDS,
                    options.phase().toSeconds(), options.warmup().toSeconds()));
        }
    }

    private static void grantEdit(ServerProcess server) throws Exception {
        String binding = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\","
                + "\"metadata\":{\"name\":\"bench-edit\",\"namespace\":\"" + NAMESPACE + "\"},"
                + "\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"edit\"},"
                + "\"subjects\":[{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"User\",\"name\":\"" + USER + "\"}]}";
        try (BenchHttp admin = new BenchHttp(server.port())) {
            BenchWork.expect(admin.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/" + NAMESPACE
                    + "/rolebindings", binding.getBytes(StandardCharsets.UTF_8)), 201);
        }
    }

    /**
     * Waits until the user may create in the namespace (the authorizer's cache has seen the binding) and
     * proves RBAC is asked: the same user is forbidden in another namespace.
     */
    private static void awaitAllowed(ServerProcess server, BenchHttp.Credentials user) throws Exception {
        try (BenchHttp http = new BenchHttp(server.port(), user)) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            int status;
            do {
                status = http.send("POST", "/api/v1/namespaces/" + NAMESPACE + "/configmaps",
                        BenchWork.configMap("probe", 0).getBytes(StandardCharsets.UTF_8)).status();
                if (status != 201) {
                    Thread.sleep(100);
                }
            } while (status != 201 && System.nanoTime() < deadline);
            if (status != 201) {
                throw new IllegalStateException("the RoleBinding did not let " + USER + " create: HTTP " + status);
            }
            int elsewhere = http.send("POST", "/api/v1/namespaces/default/configmaps",
                    BenchWork.configMap("probe", 0).getBytes(StandardCharsets.UTF_8)).status();
            if (elsewhere != 403) {
                throw new IllegalStateException(USER + " created in default: HTTP " + elsewhere + " (is RBAC asked?)");
            }
        }
    }
}
