package dev.kapi.apiserver.server.readpath;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;

/**
 * The race's ConfigMaps as the storage backend itself saw them (a watch of the backend, below any cache),
 * in the API's terms ({@link ConfigMapLog}): the history the write log must agree with, and the revision of
 * each delete, which the API does not tell (a ConfigMap's DELETE answers a Status without resourceVersion).
 * Each key must have a single writer, which reports its writes in order ({@link #written}).
 */
final class BackendHistory implements AutoCloseable {

    private final String rawPrefix;
    private final String ns;
    private final List<WatchEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, List<Long>> deletes = new ConcurrentHashMap<>();
    private final Map<String, Long> lastWritten = new ConcurrentHashMap<>();
    private final WatchHandle watch;

    /** Watches {@code rawPrefix} (the namespace's ConfigMaps' keys) on {@code backend} after {@code from}. */
    BackendHistory(Storage backend, String rawPrefix, String ns, long from) {
        this.rawPrefix = rawPrefix;
        this.ns = ns;
        this.watch = backend.watch(rawPrefix, WatchOptions.from(from), this::onEvent);
    }

    private void onEvent(WatchEvent event) {
        if (event.current() == null || !event.current().key().substring(rawPrefix.length()).startsWith("cm")) {
            return;
        }
        WatchEvent api = asApiEntry(event);
        events.add(api);
        if (event.type() == WatchEvent.Type.DELETED) {
            deletes.computeIfAbsent(api.current().key(), k -> new CopyOnWriteArrayList<>()).add(event.revision());
        }
    }

    /** The key's writer wrote it at {@code revision}. */
    void written(String key, long revision) {
        lastWritten.put(key, revision);
    }

    /** The revision of the delete of {@code key} its writer just got answered: the first after its last write. */
    long deletion(String key) throws InterruptedException {
        long after = lastWritten.getOrDefault(key, 0L);
        for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline; Thread.sleep(2)) {
            for (long revision : deletes.getOrDefault(key, List.of())) {
                if (revision > after) {
                    lastWritten.put(key, revision);
                    return revision;
                }
            }
        }
        throw new AssertionError("the backend's watch showed no deletion of " + key + " after " + after);
    }

    /** Every change so far, in the API's terms (key namespace/name, value data.k). */
    List<WatchEvent> events() {
        return List.copyOf(events);
    }

    private WatchEvent asApiEntry(WatchEvent e) {
        JsonNode object = Json.MAPPER.readTree(e.current().value());
        KeyValue kv = new KeyValue(ns + "/" + e.current().key().substring(rawPrefix.length()),
                object.path("data").path("k").asString().getBytes(UTF_8), 0, e.revision());
        return new WatchEvent(e.type(), kv, null, e.revision(), null);
    }

    @Override
    public void close() {
        watch.close();
    }
}
