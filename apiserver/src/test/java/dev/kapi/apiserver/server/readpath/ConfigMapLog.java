package dev.kapi.apiserver.server.readpath;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.readcheck.WriteLog;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The API's ConfigMaps as storage entries for {@link WriteLog} and the storage read checks: key
 * {@code <namespace>/<name>}, value the bytes of {@code data.k}, modRevision the resourceVersion (the API
 * shows no create revision: 0). Only the race's own ConfigMaps (names starting with {@code cm}) count:
 * a namespace also gets {@code kube-root-ca.crt}.
 */
final class ConfigMapLog {

    private ConfigMapLog() {
    }

    static boolean ours(JsonNode object) {
        return object.path("metadata").path("name").asString().startsWith("cm");
    }

    static KeyValue entry(JsonNode object) {
        JsonNode meta = object.path("metadata");
        return new KeyValue(meta.path("namespace").asString() + "/" + meta.path("name").asString(),
                object.path("data").path("k").asString().getBytes(UTF_8), 0,
                Long.parseLong(meta.path("resourceVersion").asString()));
    }

    /** Our ConfigMaps of a list answer, in its order. */
    static List<KeyValue> items(JsonNode list) {
        List<KeyValue> out = new ArrayList<>();
        list.path("items").forEach(item -> {
            if (ours(item)) {
                out.add(entry(item));
            }
        });
        return out;
    }

    /** A watch event as a storage event (BOOKMARK as PROGRESS); null for other ConfigMaps than ours. */
    static WatchEvent event(JsonNode event) {
        String type = event.path("type").asString();
        JsonNode object = event.path("object");
        return switch (type) {
            case "BOOKMARK" -> WatchEvent.progress(Long.parseLong(object.path("metadata").path("resourceVersion")
                    .asString()));
            case "ERROR" -> WatchEvent.error(new StorageException(StorageException.Code.INTERNAL, null,
                    object.toString()));
            default -> ours(object) ? new WatchEvent(WatchEvent.Type.valueOf(type), entry(object), null,
                    entry(object).modRevision(), null) : null;
        };
    }

    static boolean initialEventsEnd(JsonNode event) {
        return event.path("type").asString().equals("BOOKMARK") && event.path("object").path("metadata")
                .path("annotations").path("k8s.io/initial-events-end").asString().equals("true");
    }

    static String configMap(String name, String value) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\"},\"data\":{\"k\":\"" + value + "\"}}";
    }
}
