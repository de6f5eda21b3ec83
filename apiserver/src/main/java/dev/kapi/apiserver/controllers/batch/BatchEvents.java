package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A controller's core/v1 Events about the objects it manages (kube's event recorder, with its component as
 * source, e.g. {@code SuccessfulCreate} "Created pod: work-x7k2p" on a Job), what {@code kubectl describe}
 * shows. Written on a virtual thread of their own, as kube's broadcaster sends them: a controller never waits
 * for its events, and one that cannot be written is dropped.
 */
final class BatchEvents {

    private static final Logger LOG = LoggerFactory.getLogger(BatchEvents.class);

    private final WritePipeline writes;
    private final Store<Event> events;
    private final String component;
    private final UserInfo user;
    /** The last name suffix given: kube's {@code <name>.<unix nanos in hex>}, kept unique here. */
    private final AtomicLong lastNanos = new AtomicLong();

    /** @param events null when the server has no events store: nothing is recorded */
    BatchEvents(WritePipeline writes, Store<Event> events, String component, UserInfo user) {
        this.writes = writes;
        this.events = events;
        this.component = component;
        this.user = user;
    }

    void normal(HasMetadata involved, String apiVersion, String kind, String reason, String message) {
        record(involved, apiVersion, kind, "Normal", reason, message);
    }

    void warning(HasMetadata involved, String apiVersion, String kind, String reason, String message) {
        record(involved, apiVersion, kind, "Warning", reason, message);
    }

    private void record(HasMetadata involved, String apiVersion, String kind, String type, String reason,
                        String message) {
        if (events == null) {
            return;
        }
        ObjectMeta m = involved.getMetadata();
        Event e = new Event();
        e.setMetadata(new ObjectMeta());
        Instant now = Instant.now();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        e.getMetadata().setName(m.getName() + "." + Long.toHexString(lastNanos.updateAndGet(l -> Math.max(l + 1, nanos))));
        e.getMetadata().setNamespace(m.getNamespace());
        ObjectReference ref = new ObjectReference();
        ref.setApiVersion(apiVersion);
        ref.setKind(kind);
        ref.setNamespace(m.getNamespace());
        ref.setName(m.getName());
        ref.setUid(m.getUid());
        ref.setResourceVersion(m.getResourceVersion());
        e.setInvolvedObject(ref);
        e.setType(type);
        e.setReason(reason);
        e.setMessage(message);
        EventSource source = new EventSource();
        source.setComponent(component);
        e.setSource(source);
        e.setReportingComponent(component);
        e.setReportingInstance("");
        e.setFirstTimestamp(Owners.time(now));
        e.setLastTimestamp(Owners.time(now));
        e.setCount(1);
        Thread.ofVirtual().name(component + "-event").start(() -> {
            try {
                writes.create(WriteScope.of(events, m.getNamespace(), user), e, OperationOptions.create());
            } catch (RuntimeException ex) {
                LOG.debug("{}: event {} on {}/{} dropped: {}", component, reason, m.getNamespace(), m.getName(),
                        ex.toString());
            }
        });
    }
}
