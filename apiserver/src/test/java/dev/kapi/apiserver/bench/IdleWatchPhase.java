package dev.kapi.apiserver.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The heap cost of idle watches: the server's used heap after a full GC with no watch open, then with
 * each requested number of idle watches open, chunked HTTP streams or WebSocket connections (opened 64
 * at a time, each confirmed by its 200 or 101 response head); the growth divided by the number of watches is the cost of one. The class histogram
 * difference between none and the most watches shows what the growth is made of.
 */
final class IdleWatchPhase {

    /** Heap growth with {@code watches} open. */
    record Step(int watches, long heapBytes, long growthBytes) {
        double bytesPerWatch() {
            return (double) growthBytes / watches;
        }
    }

    /** The steps and the top histogram growth lines for the last one. */
    record Result(long baselineBytes, List<Step> steps, List<String> topGrowth) {
    }

    private IdleWatchPhase() {
    }

    static Result run(ServerProcess server, String namespace, int[] counts, boolean webSocket) throws Exception {
        Thread.sleep(2_000); // let the watches of earlier phases finish closing
        long baseline = server.usedHeapAfterGc();
        Map<String, long[]> before = histogram(server.classHistogram());
        List<BenchHttp> open = Collections.synchronizedList(new ArrayList<>());
        List<Step> steps = new ArrayList<>();
        List<String> top = List.of();
        try (ExecutorService openers = Executors.newFixedThreadPool(64)) {
            for (int target : counts) {
                List<Future<?>> pending = new ArrayList<>();
                for (int i = open.size(); i < target; i++) {
                    pending.add(openers.submit(() -> {
                        BenchHttp http = new BenchHttp(server.port());
                        open.add(http);
                        String path = "/api/v1/namespaces/" + namespace + "/configmaps?watch=true&timeoutSeconds=1800";
                        int status = webSocket ? http.openWebSocketWatch(path) : http.openWatch(path);
                        if (status != (webSocket ? 101 : 200)) {
                            throw new IllegalStateException("idle watch answered " + status);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : pending) {
                    f.get();
                }
                Thread.sleep(3_000);
                long heap = server.usedHeapAfterGc();
                steps.add(new Step(target, heap, heap - baseline));
                System.out.printf(Locale.ROOT, "  %,d idle watches: used heap %,d KB (+%,d KB, %,.0f B/watch)%n",
                        target, heap >> 10, (heap - baseline) >> 10, (double) (heap - baseline) / target);
            }
            top = topGrowth(before, histogram(server.classHistogram()), 12);
        } finally {
            open.forEach(BenchHttp::close);
        }
        return new Result(baseline, steps, top);
    }

    /** class name -> {instances, bytes} from {@code GC.class_histogram} output. */
    static Map<String, long[]> histogram(String text) {
        Map<String, long[]> m = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                try {
                    m.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                } catch (NumberFormatException header) {
                    // not a data line
                }
            }
        }
        return m;
    }

    private static List<String> topGrowth(Map<String, long[]> before, Map<String, long[]> after, int n) {
        List<Map.Entry<String, long[]>> growth = new ArrayList<>();
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            growth.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]}));
        }
        growth.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, long[]> e : growth.subList(0, Math.min(n, growth.size()))) {
            lines.add(String.format(Locale.ROOT, "%s: +%,d instances, +%,d KB", e.getKey(), e.getValue()[0],
                    e.getValue()[1] >> 10));
        }
        return lines;
    }
}
