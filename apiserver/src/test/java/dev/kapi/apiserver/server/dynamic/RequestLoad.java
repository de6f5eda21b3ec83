package dev.kapi.apiserver.server.dynamic;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests sent over and over by a few threads while a test changes the server: each path with the status
 * codes it may answer; anything else (a 500, a refused connection) is recorded as a failure.
 */
final class RequestLoad implements AutoCloseable {

    /** A request to repeat and the codes it may answer. */
    record Probe(String path, String accept, Set<Integer> allowed) {
    }

    private final HttpClient client;
    private final String base;
    private final List<Probe> probes;
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final Map<String, Set<Integer>> seen = new ConcurrentHashMap<>();
    private final AtomicInteger sent = new AtomicInteger();
    private volatile boolean running = true;

    private RequestLoad(HttpClient client, String base, List<Probe> probes) {
        this.client = client;
        this.base = base;
        this.probes = probes;
    }

    static RequestLoad start(HttpClient client, String base, int threads, List<Probe> probes) {
        RequestLoad load = new RequestLoad(client, base, probes);
        for (int t = 0; t < threads; t++) {
            int first = t;
            load.threads.add(Thread.ofVirtual().name("load-" + t).start(() -> load.run(first)));
        }
        return load;
    }

    private void run(int first) {
        for (int i = first; running; i++) {
            Probe p = probes.get(i % probes.size());
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + p.path()))
                        .timeout(Duration.ofSeconds(30)).GET();
                if (p.accept() != null) {
                    req.header("Accept", p.accept());
                }
                HttpResponse<String> res = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
                seen.computeIfAbsent(p.path(), k -> ConcurrentHashMap.newKeySet()).add(res.statusCode());
                if (!p.allowed().contains(res.statusCode())) {
                    failures.add(p.path() + " answered " + res.statusCode() + ": " + res.body());
                }
            } catch (Exception e) {
                if (running) {
                    failures.add(p.path() + " failed: " + e);
                }
            }
            sent.incrementAndGet();
        }
    }

    int sent() {
        return sent.get();
    }

    /** The status codes {@code path} answered so far. */
    Set<Integer> seen(String path) {
        return seen.getOrDefault(path, Set.of());
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join();
        }
    }
}
