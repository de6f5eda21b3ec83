package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Turns jetcd watch events into SPI watch events. */
final class EtcdWatchEvents {

    private static final byte[] NO_VALUE = new byte[0];

    private EtcdWatchEvents() {
    }

    /**
     * The change at {@code index} of one watch response, marked {@link WatchEvent#moreAtRevision} when the next one
     * has the same revision: etcd sends a transaction's changes together, in one response.
     */
    static WatchEvent convert(List<io.etcd.jetcd.watch.WatchEvent> events, int index) {
        WatchEvent event = convert(events.get(index));
        boolean more = index + 1 < events.size()
                && events.get(index + 1).getKeyValue().getModRevision() == event.revision();
        return more ? new WatchEvent(event.type(), event.current(), event.previous(), event.revision(), null, true)
                : event;
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
