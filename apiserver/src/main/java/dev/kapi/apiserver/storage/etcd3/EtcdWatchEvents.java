package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.WatchEvent;
import java.nio.charset.StandardCharsets;

/** Turns jetcd watch events into SPI watch events. */
final class EtcdWatchEvents {

    private static final byte[] NO_VALUE = new byte[0];

    private EtcdWatchEvents() {
    }

    static WatchEvent convert(io.etcd.jetcd.watch.WatchEvent event) {
        io.etcd.jetcd.KeyValue kv = event.getKeyValue();
        long revision = kv.getModRevision();
        io.etcd.jetcd.KeyValue prevKv = event.getPrevKV();
        KeyValue previous = prevKv == null || prevKv.getKey().isEmpty() ? null : EtcdCalls.toKeyValue(prevKv);
        if (event.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE) {
            String key = kv.getKey().toString(StandardCharsets.UTF_8);
            KeyValue last = previous == null
                    ? new KeyValue(key, NO_VALUE, 0, revision)
                    : new KeyValue(key, previous.value(), previous.createRevision(), revision);
            return new WatchEvent(WatchEvent.Type.DELETED, last, previous, revision, null);
        }
        KeyValue current = EtcdCalls.toKeyValue(kv);
        WatchEvent.Type type = kv.getVersion() == 1 || kv.getCreateRevision() == revision
                ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED;
        return new WatchEvent(type, current, previous, revision, null);
    }
}
