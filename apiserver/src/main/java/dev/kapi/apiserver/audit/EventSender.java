package dev.kapi.apiserver.audit;

import java.io.IOException;
import java.util.List;

/**
 * Where a backend's encoded events go (each one event's JSON, as {@link EventEncoder} made it): appended to the
 * log as lines ({@link LogBackend}) or posted to the webhook as one EventList ({@link WebhookSender}). A blocking
 * backend sends one event from the request's thread; a batching one sends batches from its own threads.
 * Implementations are safe for concurrent use.
 */
public interface EventSender {

    /** Sends the events, in order, all or (as far as the sender can tell) none; the IOException says why not. */
    void send(List<byte[]> events) throws IOException;
}
