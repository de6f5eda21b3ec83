package dev.kapi.apiserver.storage.etcd3;

import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.await;
import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.bytes;

import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.UpdateLoop;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import java.time.Duration;

/**
 * Get: a single-key range at the latest revision (linearizable), which serves every {@link GetOptions}:
 * the most recent, any, and not older than a revision the response's header revision has reached (checked
 * before the key, as kube's etcd3 store does).
 */
final class EtcdGet {

    private EtcdGet() {
    }

    static KeyValue get(KV kv, Duration timeout, String key, GetOptions options) {
        GetResponse response = await(kv.get(bytes(key)), timeout, key);
        options.at().requireReached(response.getHeader().getRevision(), key);
        KeyValue found = first(response);
        if (found == null) {
            throw notFound(key);
        }
        return found;
    }

    /** The entry, or null when the key is absent. */
    static KeyValue getOrNull(KV kv, Duration timeout, String key) {
        return first(await(kv.get(bytes(key)), timeout, key));
    }

    static KeyValue first(GetResponse response) {
        return response.getKvs().isEmpty() ? null : EtcdCalls.toKeyValue(response.getKvs().get(0));
    }

    static StorageException notFound(String key) {
        return UpdateLoop.notFound(key);
    }
}
