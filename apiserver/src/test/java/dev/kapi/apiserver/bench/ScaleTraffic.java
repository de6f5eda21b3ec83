package dev.kapi.apiserver.bench;

import dev.kapi.apiserver.api.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.node.ObjectNode;

/**
 * The scale mode's mixed traffic: {@code clients} connections for a fixed time, each calling, pausing
 * {@code thinkMillis}, calling again. All but {@code clusterClients} of them pick each call at random:
 * 35% mutating (create, read-modify-write update and merge patch of loaded ConfigMaps, merge patch of loaded
 * Pods, create and later delete ConfigMaps and unbound Pods of their own), 40% GETs of loaded objects, 25%
 * lists of one namespace (consistent: no resourceVersion; a third of them with a {@code labelSelector}).
 * The cluster-wide clients take turns at: every Pod (no limit), the Pods of one node
 * ({@code fieldSelector=spec.nodeName=…}), every ConfigMap in pages of 500 following {@code continue} (each
 * page is one call), pausing {@code clusterThinkMillis} after each. Every call's latency is kept under its
 * kube SLO category and its operation.
 */
final class ScaleTraffic {

    /** kube's API call latency SLO categories, with their p99 thresholds. */
    enum Category {
        MUTATING("mutating calls", 1_000), GET("single-object reads (GET)", 1_000),
        NAMESPACED_LIST("namespaced lists", 5_000), CLUSTER_LIST("cluster-wide lists", 30_000);

        final String title;
        final long sloMillis;

        Category(String title, long sloMillis) {
            this.title = title;
            this.sloMillis = sloMillis;
        }
    }

    /**
     * What the traffic measured, per category and per operation (with the category of each); {@code errors}
     * are answers other than the expected ones (or broken connections); {@code everyPodLists} each list of
     * every Pod in call order, as "when it started (s into the traffic): how long it took (ms)".
     */
    record Result(Map<Category, Latencies> categories, Map<String, Latencies> operations,
                  Map<String, Category> operationCategories, double seconds, long errors, long conflicts,
                  List<String> errorSamples, List<String> everyPodLists) {
    }

    private static final int CAPACITY = 1_000_000;
    private static final String MERGE = "application/merge-patch+json";

    private final int port;
    private final ScaleOptions options;
    private final Duration length;
    private final String names;
    private final Map<Category, Latencies> categories = new EnumMap<>(Category.class);
    private final Map<String, Latencies> operations = new ConcurrentHashMap<>();
    private final Map<String, Category> operationCategories = new ConcurrentHashMap<>();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());
    private final List<String> everyPodLists = Collections.synchronizedList(new ArrayList<>());
    private long start;

    /**
     * Traffic for {@code length}; the objects its clients create are named {@code <names><client>-<n>} (a
     * warm-up and the measured traffic each their own).
     */
    ScaleTraffic(int port, ScaleOptions options, Duration length, String names) {
        this.port = port;
        this.options = options;
        this.length = length;
        this.names = names;
        for (Category c : Category.values()) {
            categories.put(c, new Latencies(CAPACITY));
        }
    }

    Result run() throws InterruptedException {
        start = System.nanoTime();
        long end = start + length.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < options.clients(); i++) {
            int id = i;
            boolean cluster = i < options.clusterClients();
            threads.add(Thread.ofPlatform().name("scale-" + i).daemon().start(() -> client(id, cluster, end)));
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Result(categories, operations, operationCategories, (System.nanoTime() - start) / 1e9, errors.get(),
                conflicts.get(), List.copyOf(errorSamples), List.copyOf(everyPodLists));
    }

    /** One client's connection, reopened after an I/O error. */
    private final class Conn {
        BenchHttp http;

        /** The call's answer, or null after an I/O error (counted). Its latency is kept either way. */
        BenchHttp.Response call(Category category, String op, String method, String path, String type, byte[] body,
                                int... ok) {
            long t = System.nanoTime();
            BenchHttp.Response r = null;
            try {
                if (http == null) {
                    http = new BenchHttp(port);
                }
                r = http.send(method, path, type, body);
            } catch (IOException e) {
                error(op + " " + path + ": " + e);
                if (http != null) {
                    http.close();
                }
                http = null;
            }
            long nanos = System.nanoTime() - t;
            categories.get(category).add(nanos);
            operations.computeIfAbsent(op, k -> new Latencies(CAPACITY)).add(nanos);
            operationCategories.putIfAbsent(op, category);
            if (r == null) {
                return null;
            }
            for (int status : ok) {
                if (r.status() == status) {
                    return r;
                }
            }
            if (r.status() == 409) {
                conflicts.incrementAndGet();
            } else {
                String text = r.text();
                error(op + " " + path + ": HTTP " + r.status() + " " + text.substring(0, Math.min(200, text.length())));
            }
            return null;
        }
    }

    private void error(String what) {
        if (errors.incrementAndGet() <= 10) {
            errorSamples.add(what);
        }
    }

    private void client(int id, boolean cluster, long end) {
        Conn conn = new Conn();
        SplittableRandom random = new SplittableRandom(id * 7919L + 1 + names.hashCode());
        Deque<String> ownConfigMaps = new ArrayDeque<>();
        Deque<String> ownPods = new ArrayDeque<>();
        long seq = 0;
        try {
            while (System.nanoTime() < end) {
                if (cluster) {
                    clusterCall(conn, random, seq, end);
                } else {
                    call(conn, random, id, seq, ownConfigMaps, ownPods);
                }
                seq++;
                Thread.sleep(cluster ? options.clusterThinkMillis() : options.thinkMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            error("client " + id + " stopped: " + e);
        } finally {
            if (conn.http != null) {
                conn.http.close();
            }
        }
    }

    private void call(Conn conn, SplittableRandom random, int id, long seq, Deque<String> ownConfigMaps,
                      Deque<String> ownPods) {
        int cm = random.nextInt(options.configMaps());
        String cmPath = "/api/v1/namespaces/" + ScaleObjects.namespace(cm % options.namespaces()) + "/configmaps";
        int pod = random.nextInt(options.pods());
        String podPath = "/api/v1/namespaces/" + ScaleObjects.namespace(pod % options.namespaces()) + "/pods";
        String own = names + id + "-" + seq;
        int dice = random.nextInt(100);
        if (dice < 8) {
            conn.call(Category.MUTATING, "create configmap", "POST", cmPath, "application/json",
                    ScaleObjects.configMap(own, (int) seq), 201);
            ownConfigMaps.add(cmPath + "/" + own);
        } else if (dice < 15) {
            BenchHttp.Response got = conn.call(Category.GET, "get configmap", "GET", cmPath + "/cm-" + cm, null, null, 200);
            if (got != null) {
                ObjectNode object = (ObjectNode) Json.MAPPER.readTree(got.body());
                ((ObjectNode) object.get("data")).put("revision", Long.toString(seq));
                conn.call(Category.MUTATING, "update configmap (PUT)", "PUT", cmPath + "/cm-" + cm, "application/json",
                        Json.MAPPER.writeValueAsBytes(object), 200);
            }
        } else if (dice < 22) {
            conn.call(Category.MUTATING, "patch configmap", "PATCH", cmPath + "/cm-" + cm, MERGE,
                    ("{\"data\":{\"revision\":\"" + seq + "\"}}").getBytes(StandardCharsets.UTF_8), 200);
        } else if (dice < 27) {
            String victim = ownConfigMaps.poll();
            if (victim != null) {
                conn.call(Category.MUTATING, "delete configmap", "DELETE", victim, null, null, 200, 202);
            }
        } else if (dice < 30) {
            conn.call(Category.MUTATING, "create pod", "POST", podPath, "application/json",
                    ScaleObjects.pod(own, (int) seq, null), 201);
            ownPods.add(podPath + "/" + own);
        } else if (dice < 33) {
            conn.call(Category.MUTATING, "patch pod", "PATCH", podPath + "/pod-" + pod, MERGE,
                    ("{\"metadata\":{\"annotations\":{\"bench/seq\":\"" + seq + "\"}}}").getBytes(StandardCharsets.UTF_8), 200);
        } else if (dice < 35) {
            String victim = ownPods.poll();
            if (victim != null) {
                conn.call(Category.MUTATING, "delete pod", "DELETE", victim, null, null, 200, 202);
            }
        } else if (dice < 60) {
            conn.call(Category.GET, "get configmap", "GET", cmPath + "/cm-" + cm, null, null, 200);
        } else if (dice < 75) {
            conn.call(Category.GET, "get pod", "GET", podPath + "/pod-" + pod, null, null, 200);
        } else if (dice < 84) {
            conn.call(Category.NAMESPACED_LIST, "list configmaps of a namespace", "GET", cmPath, null, null, 200);
        } else if (dice < 92) {
            conn.call(Category.NAMESPACED_LIST, "list pods of a namespace", "GET", podPath, null, null, 200);
        } else if (dice < 96) {
            conn.call(Category.NAMESPACED_LIST, "list configmaps of a namespace by label", "GET",
                    cmPath + "?labelSelector=app%3Dapp-" + random.nextInt(ScaleObjects.APPS), null, null, 200);
        } else {
            conn.call(Category.NAMESPACED_LIST, "list pods of a namespace by label", "GET",
                    podPath + "?labelSelector=app%3Dapp-" + random.nextInt(ScaleObjects.APPS), null, null, 200);
        }
    }

    private void clusterCall(Conn conn, SplittableRandom random, long seq, long end) {
        switch ((int) (seq % 3)) {
            case 0 -> {
                long t = System.nanoTime();
                conn.call(Category.CLUSTER_LIST, "list pods, all namespaces", "GET", "/api/v1/pods", null, null, 200);
                everyPodLists.add(String.format(java.util.Locale.ROOT, "%.0f s: %,d ms", (t - start) / 1e9,
                        (System.nanoTime() - t) / 1_000_000));
            }
            case 1 -> conn.call(Category.CLUSTER_LIST, "list pods of a node (fieldSelector), all namespaces", "GET",
                    "/api/v1/pods?fieldSelector=spec.nodeName%3D" + ScaleObjects.node(random.nextInt(options.nodes())),
                    null, null, 200);
            default -> {
                String token = null;
                do {
                    String path = "/api/v1/configmaps?limit=500"
                            + (token == null ? "" : "&continue=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
                    BenchHttp.Response page = conn.call(Category.CLUSTER_LIST,
                            "list configmaps, all namespaces, a page of 500", "GET", path, null, null, 200);
                    token = page == null ? null : BenchWork.continueToken(page.body());
                } while (token != null && System.nanoTime() < end);
            }
        }
    }
}
