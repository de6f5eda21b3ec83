package dev.kapi.apiserver.bench;

import dev.kapi.apiserver.api.Json;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operations the benchmark measures, each in two forms: through the server (HTTP, one
 * {@link BenchHttp} connection per worker) and raw against etcd with jetcd, doing the same work: a
 * ConfigMap create is compared with a put of the bytes the server stored for such a ConfigMap, a get
 * with a get of such a key, a list with a range read of the same prefix. Against a server on the embedded
 * store there is no etcd ({@code kv} null) and only the server forms are used.
 */
final class BenchWork {

    private static final String PAYLOAD = "x".repeat(200);
    private static final int FILL_THREADS = 16;

    private final int port;
    private final KV kv;
    private ByteSequence storedValue = ByteSequence.from(configMap("template", 0), StandardCharsets.UTF_8);
    private BenchHttp writer;
    private volatile int lastListBytes;

    BenchWork(int port, KV kv) {
        this.port = port;
        this.kv = kv;
    }

    /** The JSON of a small ConfigMap: a label, a 200-byte value and {@code data.sentNanos}. */
    static String configMap(String name, long sentNanos) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"app\":\"bench\"}},\"data\":{\"payload\":\"" + PAYLOAD + "\",\"sentNanos\":\""
                + sentNanos + "\"}}";
    }

    void createNamespace(String name) throws IOException {
        try (BenchHttp http = new BenchHttp(port)) {
            expect(http.send("POST", "/api/v1/namespaces",
                    ("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}")
                            .getBytes(StandardCharsets.UTF_8)), 201);
        }
    }

    /** From now on raw puts write the value etcd holds at {@code key} (a ConfigMap the server stored). */
    void useStoredValueOf(String key) throws Exception {
        var kvs = kv.get(bytes(key)).get().getKvs();
        if (kvs.isEmpty()) {
            throw new IllegalStateException("no " + key + " in etcd: does the server use the /registry prefix?");
        }
        storedValue = kvs.get(0).getValue();
    }

    int storedValueSize() {
        return storedValue.size();
    }

    int lastListBytes() {
        return lastListBytes;
    }

    Load.Worker serverCreate(String namespace, String tag) throws IOException {
        BenchHttp http = new BenchHttp(port);
        String path = "/api/v1/namespaces/" + namespace + "/configmaps";
        return new HttpWorker(http, seq -> expect(http.send("POST", path,
                configMap(tag + "-" + seq, 0).getBytes(StandardCharsets.UTF_8)), 201));
    }

    /** As {@link #serverCreate} on a connection with {@code credentials} (e.g. a token user's). */
    Load.Worker serverCreateAs(BenchHttp.Credentials credentials, String namespace, String tag) throws IOException {
        BenchHttp http = new BenchHttp(port, credentials);
        String path = "/api/v1/namespaces/" + namespace + "/configmaps";
        return new HttpWorker(http, seq -> expect(http.send("POST", path,
                configMap(tag + "-" + seq, 0).getBytes(StandardCharsets.UTF_8)), 201));
    }

    Load.Worker serverGet(String namespace, String prefix, int count) throws IOException {
        BenchHttp http = new BenchHttp(port);
        String path = "/api/v1/namespaces/" + namespace + "/configmaps/" + prefix + "-";
        return new HttpWorker(http, seq -> expect(http.send("GET",
                path + ThreadLocalRandom.current().nextInt(count), null), 200));
    }

    /** Creates {@code <prefix>-0 .. <prefix>-(count-1)} in {@code namespace} with 16 clients. */
    void fillServer(String namespace, String prefix, int count) throws Exception {
        String path = "/api/v1/namespaces/" + namespace + "/configmaps";
        parallel(count, () -> new BenchHttp(port), (http, i) -> expect(http.send("POST", path,
                configMap(prefix + "-" + i, 0).getBytes(StandardCharsets.UTF_8)), 201));
    }

    /**
     * Waits until the root CA publisher (a controller the server runs) has put {@code kube-root-ca.crt} into
     * {@code namespace}, so that the namespace's ConfigMaps are counted once it has.
     */
    void awaitRootCaConfigMap(String namespace) throws Exception {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        try (BenchHttp http = new BenchHttp(port)) {
            while (http.send("GET", "/api/v1/namespaces/" + namespace + "/configmaps/kube-root-ca.crt", null)
                    .status() != 200) {
                if (System.nanoTime() - end > 0) {
                    throw new IllegalStateException("no kube-root-ca.crt in " + namespace + " after 30 s");
                }
                Thread.sleep(50);
            }
        }
    }

    /** GETs the whole collection of {@code namespace} in one response (no limit); returns the response. */
    BenchHttp.Response serverListResponse(String namespace) throws IOException {
        try (BenchHttp http = new BenchHttp(port)) {
            return http.send("GET", "/api/v1/namespaces/" + namespace + "/configmaps", null);
        }
    }

    /** GETs the whole collection of {@code namespace} in one response (no limit); returns its size. */
    int serverList(String namespace) throws IOException {
        byte[] body = expect(serverListResponse(namespace), 200);
        lastListBytes = body.length;
        return body.length;
    }

    /**
     * GETs the whole collection of {@code namespace} in pages of {@code limit} following the continue
     * tokens (as client-go's pager and informers do); returns the number of pages.
     */
    int serverListPaged(String namespace, int limit) throws IOException {
        String base = "/api/v1/namespaces/" + namespace + "/configmaps?limit=" + limit;
        int pages = 0;
        try (BenchHttp http = new BenchHttp(port)) {
            String token = null;
            do {
                byte[] body = expect(http.send("GET", token == null ? base
                        : base + "&continue=" + URLEncoder.encode(token, StandardCharsets.UTF_8), null), 200);
                pages++;
                token = continueToken(body);
            } while (token != null);
        }
        return pages;
    }

    /** {@code metadata.continue} of a list (it comes before the items), or null. */
    static String continueToken(byte[] body) {
        String head = new String(body, 0, Math.min(body.length, 2048), StandardCharsets.UTF_8);
        int i = head.indexOf("\"continue\":\"");
        if (i < 0) {
            return null;
        }
        int start = i + "\"continue\":\"".length();
        String token = head.substring(start, head.indexOf('"', start));
        return token.isEmpty() ? null : token;
    }

    /** The number of items of the collection of {@code namespace}, read in pages of {@code limit} (parsed; not timed). */
    int serverListCount(String namespace, int limit) throws IOException {
        String base = "/api/v1/namespaces/" + namespace + "/configmaps?limit=" + limit;
        int items = 0;
        try (BenchHttp http = new BenchHttp(port)) {
            String token = null;
            do {
                byte[] body = expect(http.send("GET", token == null ? base
                        : base + "&continue=" + URLEncoder.encode(token, StandardCharsets.UTF_8), null), 200);
                var list = Json.MAPPER.readTree(body);
                items += list.get("items").size();
                String next = list.path("metadata").path("continue").asString("");
                if (!next.equals(continueToken(body) == null ? "" : continueToken(body))) {
                    throw new IllegalStateException("continue token scan disagrees with the parsed list");
                }
                token = next.isEmpty() ? null : next;
            } while (token != null);
        }
        return items;
    }

    Load.Worker rawPut(String keyPrefix) {
        return seq -> kv.put(bytes(keyPrefix + seq), storedValue).get();
    }

    /** What the server sends etcd for a create: {@code if createRevision(key) == 0 then put}. */
    Load.Worker rawCreateTxn(String keyPrefix) {
        return seq -> {
            ByteSequence key = bytes(keyPrefix + seq);
            if (!kv.txn().If(new io.etcd.jetcd.op.Cmp(key, io.etcd.jetcd.op.Cmp.Op.EQUAL,
                            io.etcd.jetcd.op.CmpTarget.createRevision(0)))
                    .Then(io.etcd.jetcd.op.Op.put(key, storedValue, io.etcd.jetcd.options.PutOption.DEFAULT))
                    .commit().get().isSucceeded()) {
                throw new IllegalStateException("key exists: " + key);
            }
        };
    }

    Load.Worker rawGet(String keyPrefix, int count) {
        return seq -> {
            if (kv.get(bytes(keyPrefix + ThreadLocalRandom.current().nextInt(count))).get().getKvs().isEmpty()) {
                throw new IllegalStateException("raw get found nothing");
            }
        };
    }

    /** Range reads of every key under {@code prefix} in pages of {@code limit}; returns the number of keys. */
    int rawRangePaged(String prefix, int limit) throws Exception {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        end[end.length - 1]++;
        ByteSequence rangeEnd = ByteSequence.from(end);
        ByteSequence start = bytes(prefix);
        int keys = 0;
        while (true) {
            GetResponse page = kv.get(start, GetOption.builder().withRange(rangeEnd).withLimit(limit).build()).get();
            keys += page.getKvs().size();
            if (!page.isMore() || page.getKvs().isEmpty()) {
                return keys;
            }
            byte[] last = page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes();
            start = ByteSequence.from(java.util.Arrays.copyOf(last, last.length + 1)); // just after the last key
        }
    }

    void fillRaw(String keyPrefix, int count) throws Exception {
        parallel(count, () -> null, (none, i) -> kv.put(bytes(keyPrefix + i), storedValue).get());
    }

    /** A range read of every key under {@code prefix}; returns the number of keys. */
    int rawRange(String prefix) throws Exception {
        return kv.get(bytes(prefix), GetOption.builder().isPrefix(true).build()).get().getKvs().size();
    }

    /** Creates {@code e-<index>} (or {@code probe-<n>} for negative indexes) carrying {@code sent}. */
    void serverCreateWithSent(String namespace, int index, long sent) throws IOException {
        if (writer == null) {
            writer = new BenchHttp(port);
        }
        String name = index < 0 ? "probe" + index : "e-" + index;
        expect(writer.send("POST", "/api/v1/namespaces/" + namespace + "/configmaps",
                configMap(name, sent).getBytes(StandardCharsets.UTF_8)), 201);
    }

    void rawPutWithSent(String prefix, int index, long sent) throws Exception {
        String name = index < 0 ? "probe" + index : "e-" + index;
        kv.put(bytes(prefix + name), ByteSequence.from(configMap(name, sent), StandardCharsets.UTF_8)).get();
    }

    static byte[] expect(BenchHttp.Response response, int status) {
        if (response.status() != status) {
            throw new IllegalStateException("expected " + status + " but got " + response.status() + ": " + response.text());
        }
        return response.body();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private interface Opener<C> {
        C open() throws Exception;
    }

    private interface IndexedOp<C> {
        void run(C client, int index) throws Exception;
    }

    private static <C> void parallel(int count, Opener<C> opener, IndexedOp<C> op) throws Exception {
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(FILL_THREADS)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < FILL_THREADS; t++) {
                futures.add(pool.submit(() -> {
                    C client = opener.open();
                    try {
                        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                            op.run(client, i);
                        }
                    } finally {
                        if (client instanceof AutoCloseable c) {
                            c.close();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }

    /** A load worker that owns one HTTP connection. */
    private record HttpWorker(BenchHttp http, Load.Worker op) implements Load.Worker {
        @Override
        public void run(long seq) throws Exception {
            op.run(seq);
        }

        @Override
        public void close() {
            http.close();
        }
    }
}
