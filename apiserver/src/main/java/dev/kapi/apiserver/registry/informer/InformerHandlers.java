package dev.kapi.apiserver.registry.informer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The {@link EventHandler}s of one {@link Informer}: each is told every change in turn; one that throws is
 * logged and does not keep the change from the others.
 */
final class InformerHandlers<T> {

    private static final Logger LOG = LoggerFactory.getLogger(Informer.class);

    private final String informer;
    private final List<EventHandler<? super T>> handlers = new CopyOnWriteArrayList<>();

    InformerHandlers(String informer) {
        this.informer = informer;
    }

    void add(EventHandler<? super T> handler) {
        handlers.add(Objects.requireNonNull(handler, "handler"));
    }

    /** Tells every handler, in the order they were added. */
    void tell(Consumer<EventHandler<? super T>> call) {
        for (EventHandler<? super T> h : handlers) {
            try {
                call.accept(h);
            } catch (RuntimeException e) {
                LOG.warn("informer {}: a handler failed: {}", informer, e.toString(), e);
            }
        }
    }
}
