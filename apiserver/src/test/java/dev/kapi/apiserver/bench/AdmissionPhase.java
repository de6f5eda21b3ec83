package dev.kapi.apiserver.bench;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The cost of dynamic admission (issue #11): ConfigMap creates/s at {@value #CLIENTS} clients on one server with
 * no admission configuration, with one matching ValidatingWebhookConfiguration (an {@link AllowingWebhook} on this
 * machine, failurePolicy Fail) and with one ValidatingAdmissionPolicy and its binding (a CEL rule over the
 * object's data). The configurations are created and deleted between rounds, and the modes rotate
 * (none, webhook, policy; then webhook, policy, none; ...) so that a change in the host's load or etcd's size
 * hits each mode alike. Each mode is warmed up first (the JIT compiles each path), and before each measured
 * round a probe proves the mode is in force: the webhook saw the probe's review, the policy denied a ConfigMap
 * that breaks its rule.
 */
final class AdmissionPhase {

    private static final int CLIENTS = 32;
    private static final int ROUNDS = 3;
    private static final String NAMESPACE = "bench-admission";
    private static final String REG = "/apis/admissionregistration.k8s.io/v1/";

    enum Mode { NONE, WEBHOOK, POLICY }

    private AdmissionPhase() {
    }

    static void run(BenchOptions options, ServerProcess server, Report report) throws Exception {
        BenchWork work = new BenchWork(server.port(), null);
        work.createNamespace(NAMESPACE);
        Map<Mode, long[]> ops = new EnumMap<>(Mode.class);
        Map<Mode, double[]> seconds = new EnumMap<>(Mode.class);
        Map<Mode, Double> p99 = new EnumMap<>(Mode.class);
        try (AllowingWebhook webhook = new AllowingWebhook()) {
            for (Mode mode : Mode.values()) { // the JIT warms each path before anything is measured
                try (BenchHttp admin = new BenchHttp(server.port())) {
                    configure(admin, mode, webhook);
                }
                ApiServerBenchmark.phase("admission: warm-up, " + options.warmup().toSeconds() + " s of creates, "
                        + mode);
                Load.run(CLIENTS, options.warmup(), i -> work.serverCreate(NAMESPACE, "warm" + mode.ordinal() + i),
                        null);
                try (BenchHttp admin = new BenchHttp(server.port())) {
                    unconfigure(admin, mode);
                }
            }
            for (int round = 0; round < ROUNDS; round++) {
                for (int k = 0; k < Mode.values().length; k++) {
                    Mode mode = Mode.values()[(round + k) % Mode.values().length];
                    try (BenchHttp admin = new BenchHttp(server.port())) { // idle connections are closed
                        configure(admin, mode, webhook);
                    }
                    ApiServerBenchmark.phase("admission: round " + (round + 1) + " of " + ROUNDS + ", " + mode);
                    String tag = "r" + round + mode.name().toLowerCase(Locale.ROOT);
                    Load.Result r = Load.run(CLIENTS, options.phase(), i -> work.serverCreate(NAMESPACE, tag + i),
                            server);
                    System.out.print("  " + mode + ":");
                    ServerPhases.printLoad(r, null);
                    ops.computeIfAbsent(mode, m -> new long[1])[0] += r.ops();
                    seconds.computeIfAbsent(mode, m -> new double[1])[0] += r.seconds();
                    p99.merge(mode, r.latencies().percentileMillis(99), Math::max);
                    try (BenchHttp admin = new BenchHttp(server.port())) {
                        unconfigure(admin, mode);
                    }
                }
            }
        }
        double none = ops.get(Mode.NONE)[0] / seconds.get(Mode.NONE)[0];
        double hook = ops.get(Mode.WEBHOOK)[0] / seconds.get(Mode.WEBHOOK)[0];
        double policy = ops.get(Mode.POLICY)[0] / seconds.get(Mode.POLICY)[0];
        report.section("Dynamic admission (issue #11): ConfigMap creates at " + CLIENTS + " clients",
                "with admission", "no admission configured");
        report.compare("creates/s, one ValidatingAdmissionPolicy", "/s", policy, none, "cost < 10% (ratio ≥ 0.90)",
                policy >= 0.9 * none);
        report.compare("creates/s, one validating webhook (same machine)", "/s", hook, none,
                "cost < 40% (ratio ≥ 0.60)", hook >= 0.6 * none);
        report.compare("create p99, policy (worst round)", "ms", p99.get(Mode.POLICY), p99.get(Mode.NONE), null, null);
        report.compare("create p99, webhook (worst round)", "ms", p99.get(Mode.WEBHOOK), p99.get(Mode.NONE), null,
                null);
        report.note(String.format(Locale.ROOT, "%d rotating rounds of %d s per mode on one server (etcd); the policy"
                        + " costs %.1f%%, the webhook %.1f%% of the create rate", ROUNDS, options.phase().toSeconds(),
                (1 - policy / none) * 100, (1 - hook / none) * 100));
    }

    private static void configure(BenchHttp admin, Mode mode, AllowingWebhook webhook) throws Exception {
        switch (mode) {
            case NONE -> {
            }
            case WEBHOOK -> {
                post(admin, REG + "validatingwebhookconfigurations", """
                        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration",
                         "metadata":{"name":"bench-webhook"},
                         "webhooks":[{"name":"allow.bench.kapi.dev","sideEffects":"None","failurePolicy":"Fail",
                           "admissionReviewVersions":["v1"],"clientConfig":{"url":"%s","caBundle":"%s"},
                           "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],
                             "resources":["configmaps"]}]}]}
                        """.formatted(webhook.url(), webhook.caBundle()));
                long before = webhook.reviews();
                awaitProbe(admin, 201, () -> webhook.reviews() > before);
            }
            case POLICY -> {
                post(admin, REG + "validatingadmissionpolicies", """
                        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy",
                         "metadata":{"name":"bench-policy"},
                         "spec":{"failurePolicy":"Fail","matchConstraints":{"resourceRules":[{"operations":["CREATE"],
                           "apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}]},
                           "validations":[{"expression":"!has(object.data) || object.data.size() <= 10",
                             "message":"at most 10 keys"}]}}
                        """);
                post(admin, REG + "validatingadmissionpolicybindings", """
                        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicyBinding",
                         "metadata":{"name":"bench-policy"},
                         "spec":{"policyName":"bench-policy","validationActions":["Deny"]}}
                        """);
                awaitProbe(admin, 422, () -> true); // kube: Invalid unless the validation names a reason
            }
        }
    }

    private static void unconfigure(BenchHttp admin, Mode mode) throws Exception {
        switch (mode) {
            case NONE -> {
            }
            case WEBHOOK -> BenchWork.expect(admin.send("DELETE", REG + "validatingwebhookconfigurations/bench-webhook",
                    null), 200);
            case POLICY -> {
                BenchWork.expect(admin.send("DELETE", REG + "validatingadmissionpolicybindings/bench-policy", null),
                        200);
                BenchWork.expect(admin.send("DELETE", REG + "validatingadmissionpolicies/bench-policy", null), 200);
            }
        }
        Thread.sleep(1500);
    }

    private static void post(BenchHttp admin, String path, String json) throws Exception {
        BenchWork.expect(admin.send("POST", path, json.getBytes(StandardCharsets.UTF_8)), 201);
    }

    /**
     * Creates probe ConfigMaps with 11 keys until one gets {@code status} and {@code seen} holds (the configuration
     * reached the server's admission), within 30 s.
     */
    private static void awaitProbe(BenchHttp admin, int status, java.util.function.BooleanSupplier seen)
            throws Exception {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            data.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (int n = 0; ; n++) {
            String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"generateName\":\"probe-\"},"
                    + "\"data\":{" + data + "}}";
            BenchHttp.Response r = admin.send("POST", "/api/v1/namespaces/" + NAMESPACE + "/configmaps",
                    body.getBytes(StandardCharsets.UTF_8));
            if (r.status() == status && seen.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("admission configuration not in force after 30 s: " + r.status()
                        + " " + r.text());
            }
            Thread.sleep(50);
        }
    }
}
