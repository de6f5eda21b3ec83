package dev.kapi.apiserver.bench;

import java.time.Duration;

/**
 * The knobs of the scale mode ({@code -Dbench.scale=true}, see {@link ScaleRun}), read from system
 * properties: how many ConfigMaps, Pods and namespaces to load (kube's 100,000 / 30,000 / 1,000 by default;
 * smaller for a smoke run), how many clients load them, and the mixed traffic that follows: a warm-up of the same
 * traffic that is not measured (the server has served no read yet: its read paths are still cold), its length,
 * clients (of which {@code clusterClients} do only cluster-wide lists) and each client's pause between two
 * calls.
 */
record ScaleOptions(int configMaps, int pods, int namespaces, int loadClients, Duration warmUp, Duration traffic,
                    int clients, int clusterClients, int thinkMillis, int clusterThinkMillis, Duration settle) {

    static ScaleOptions fromSystemProperties(boolean quick) {
        ScaleOptions o = new ScaleOptions(
                Integer.getInteger("bench.scaleConfigMaps", 100_000),
                Integer.getInteger("bench.scalePods", 30_000),
                Integer.getInteger("bench.scaleNamespaces", 1_000),
                Integer.getInteger("bench.scaleLoadClients", 50),
                Duration.ofSeconds(Integer.getInteger("bench.scaleWarmUpSeconds", quick ? 10 : 30)),
                Duration.ofSeconds(Integer.getInteger("bench.scaleSeconds", quick ? 30 : 180)),
                Integer.getInteger("bench.scaleClients", 50),
                Integer.getInteger("bench.scaleClusterClients", 1),
                Integer.getInteger("bench.scaleThinkMillis", 100),
                Integer.getInteger("bench.scaleClusterThinkMillis", 1_000),
                Duration.ofSeconds(Integer.getInteger("bench.scaleSettleSeconds", quick ? 5 : 15)));
        if (o.namespaces < 1 || o.configMaps < o.namespaces || o.pods < o.namespaces) {
            throw new IllegalArgumentException("need at least one ConfigMap and one Pod per namespace: " + o);
        }
        if (o.clusterClients >= o.clients) {
            throw new IllegalArgumentException("bench.scaleClusterClients must be below bench.scaleClients: " + o);
        }
        return o;
    }

    /** The nodes loaded Pods are spread over: 100 Pods per node (at least one node), kube's density test's order. */
    int nodes() {
        return Math.max(1, pods / 100);
    }
}
