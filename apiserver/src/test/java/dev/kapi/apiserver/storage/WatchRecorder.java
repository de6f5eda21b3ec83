package dev.kapi.apiserver.storage;

import java.util.ArrayList;
import java.util.List;

/** A watch listener that keeps every event, for assertions. */
public final class WatchRecorder implements WatchListener {

    private final List<WatchEvent> events = new ArrayList<>();

    @Override
    public synchronized void onEvent(WatchEvent event) {
        events.add(event);
    }

    public synchronized List<WatchEvent> events() {
        return List.copyOf(events);
    }

    /** The events other than PROGRESS. */
    public synchronized List<WatchEvent> changes() {
        return events.stream().filter(e -> e.type() != WatchEvent.Type.PROGRESS).toList();
    }

    /** The revisions of the change events, in arrival order. */
    public List<Long> revisions() {
        return changes().stream().map(WatchEvent::revision).toList();
    }

    /** "TYPE key value" of each change event, for compact assertions. */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        for (WatchEvent e : changes()) {
            out.add(e.type() + (e.current() == null ? "" : " " + e.current().key().substring(e.current().key()
                    .lastIndexOf('/') + 1) + "=" + new String(e.current().value())));
        }
        return out;
    }
}
