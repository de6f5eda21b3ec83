package dev.kapi.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;

/**
 * How long a test waits for its server (issue #16): Kapi in this JVM ({@link KapiTestServer}, as {@code @KapiTest}
 * starts it with its defaults) beside fabric8's mock server in CRUD mode over HTTPS (as {@code @EnableKubernetesMockClient(crud =
 * true, https = true)} starts it), in one JVM, one after the other. Each start is timed from the call until an
 * admin client has created and read back a ConfigMap, then the server is stopped. The first start of each is the
 * JVM's first (classes loaded, nothing JIT-compiled); then {@code rounds} further starts alternate between them.
 * Run: {@code ./mvnw -B -q -o -pl kapi-testing test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.kapi.testing.StartupBenchmark [-Dexec.args=<rounds>]}.
 */
public final class StartupBenchmark {

    private static final ServerSettings DEFAULTS = ServerSettings.of(Defaults.class.getAnnotation(KapiTest.class));

    @KapiTest
    private static final class Defaults {
    }

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        double mockFirst = mock();
        double kapiFirst = kapi();
        List<Double> mocks = new ArrayList<>();
        List<Double> kapis = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            mocks.add(mock());
            kapis.add(kapi());
        }
        List<Double> namespaces = namespaces(rounds);
        System.out.printf(Locale.ROOT, "%d further starts each; Java %s, %d CPUs%n", rounds,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.println("| Start until a ConfigMap is created and read | Kapi (@KapiTest) | fabric8 mock server (CRUD, HTTPS) | ratio |");
        System.out.println("|---|---:|---:|---:|");
        row("first in the JVM", kapiFirst, mockFirst);
        row("further, median", percentile(kapis, 50), percentile(mocks, 50));
        row("further, p90", percentile(kapis, 90), percentile(mocks, 90));
        row("further, best", percentile(kapis, 0), percentile(mocks, 0));
        System.out.printf(Locale.ROOT, "| a fresh namespace per test on a running Kapi (create, a ConfigMap in it, delete), "
                + "median | %,.1f ms | – | |%n", percentile(namespaces, 50));
        System.exit(0);
    }

    /** A server as {@code @KapiTest} with its defaults starts one ({@link ManagedServer}), its data in memory. */
    private static double kapi() {
        long start = System.nanoTime();
        try (ManagedServer managed = ManagedServer.start(DEFAULTS)) {
            roundTrip(managed.server().client());
            return millisSince(start);
        }
    }

    /** What {@code namespacePerTest} adds to a test on a running server: create a namespace, use it, delete it. */
    private static List<Double> namespaces(int rounds) {
        List<Double> out = new ArrayList<>();
        try (ManagedServer managed = ManagedServer.start(DEFAULTS)) {
            KubernetesClient admin = managed.server().client();
            for (int i = 0; i < rounds + 5; i++) {
                long start = System.nanoTime();
                String ns = "ns-" + i;
                admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                        .create();
                admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("x")
                        .endMetadata().build()).create();
                admin.namespaces().withName(ns).delete();
                if (i >= 5) {
                    out.add(millisSince(start));
                }
            }
        }
        return out;
    }

    private static double mock() {
        long start = System.nanoTime();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), true);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            roundTrip(client);
            return millisSince(start);
        } finally {
            server.destroy();
        }
    }

    private static void roundTrip(KubernetesClient client) {
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("ready").endMetadata().addToData("k", "v").build()).create();
        ConfigMap read = client.configMaps().inNamespace("default").withName("ready").get();
        if (read == null || !"v".equals(read.getData().get("k"))) {
            throw new IllegalStateException("the server did not return the ConfigMap it stored");
        }
    }

    private static double millisSince(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - (p == 0 ? 0 : 1)));
    }

    private static void row(String what, double kapi, double mock) {
        System.out.printf(Locale.ROOT, "| %s | %,.0f ms | %,.0f ms | %.1f× |%n", what, kapi, mock, kapi / mock);
    }
}
