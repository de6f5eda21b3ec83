package dev.kapi.apiserver.controlplane;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The API server replicas' master leases, one storage key per advertised IP ({@code <prefix>/masterleases/<ip>},
 * where kube-apiserver keeps them), as kube's lease endpoint reconciler keeps them. kube gives each key an etcd
 * TTL; the storage SPI has none (and the embedded store is one process anyway), so a record holds its expiry
 * ({@code {"ip":...,"port":...,"expires":"<RFC 3339>"}}) and a lease counts as live while that lies ahead of the
 * reader's clock, as kube's identity-lease garbage collector compares renew times (the replicas' clocks must agree
 * to well within the TTL). An expired record is deleted by whoever finds it (with a precondition on the revision
 * it read, so a renewal in between survives).
 */
public final class MasterLeases {

    /** kube's {@code DefaultEndpointReconcilerTTL}. */
    public static final Duration TTL = Duration.ofSeconds(15);

    private final Storage storage;
    private final String prefix;
    private final Clock clock;

    /** @param keyPrefix the {@code --etcd-prefix}, without a trailing slash */
    public MasterLeases(Storage storage, String keyPrefix, Clock clock) {
        this.storage = storage;
        this.prefix = keyPrefix + "/masterleases/";
        this.clock = clock;
    }

    /** A live replica: its advertised IP and secure port. */
    public record Master(String ip, int port) {
    }

    /** Writes (or renews) the lease of {@code ip} for {@link #TTL} from now. */
    public void renew(String ip, int port) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("ip", ip);
        node.put("port", port);
        node.put("expires", clock.instant().plus(TTL).toString());
        byte[] value = Json.bytes(node);
        storage.guaranteedUpdate(prefix + ip, Preconditions.NONE, true, kv -> value);
    }

    /** Deletes the lease of {@code ip} (a replica that stops); an absent one is fine. */
    public void remove(String ip) {
        try {
            storage.delete(prefix + ip, Preconditions.NONE);
        } catch (StorageException e) {
            if (e.code() != StorageException.Code.KEY_NOT_FOUND) {
                throw e;
            }
        }
    }

    /** The replicas with an unexpired lease, in key order; expired leases found on the way are deleted. */
    public List<Master> live() {
        Instant now = clock.instant();
        List<Master> live = new ArrayList<>();
        for (KeyValue kv : storage.list(prefix, ListOptions.ALL).items()) {
            JsonNode node;
            Instant expires;
            try {
                node = Json.MAPPER.readTree(kv.value());
                expires = Instant.parse(node.path("expires").asString());
            } catch (RuntimeException unreadable) {
                deleteExpired(kv);
                continue;
            }
            if (expires.isAfter(now)) {
                live.add(new Master(node.path("ip").asString(), node.path("port").asInt()));
            } else {
                deleteExpired(kv);
            }
        }
        return live;
    }

    private void deleteExpired(KeyValue kv) {
        try {
            storage.delete(kv.key(), Preconditions.resourceVersion(kv.modRevision()));
        } catch (StorageException e) {
            if (e.code() != StorageException.Code.KEY_NOT_FOUND && e.code() != StorageException.Code.CONFLICT) {
                throw e;
            }
        }
    }
}
