package dev.kapi.apiserver.controllers.nodes;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The core/v1 Events a kubelet records about the containers it runs, what {@code kubectl describe pod} lists
 * under the scheduler's {@code Scheduled}: {@code Pulled} (the image already present), {@code Created} and
 * {@code Started} for each init and regular container when the pod starts, {@code Killing} for each running
 * container when the pod is deleted. Source {@code kubelet} on the node, written as the node's user on a virtual
 * thread of their own (the kubelet's broadcaster: nobody waits for them, one that cannot be written is dropped).
 */
final class KubeletEvents {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletEvents.class);

    private final WritePipeline writes;
    private final Store<Event> events;
    /** The last name suffix given: kube's {@code <pod>.<unix nanos in hex>}, kept unique here. */
    private final AtomicLong lastNanos = new AtomicLong();

    /** @param events null when the server has no events store: nothing is recorded */
    KubeletEvents(WritePipeline writes, Store<Event> events) {
        this.writes = writes;
        this.events = events;
    }

    /** The pod's containers were "pulled", created and started (init containers first). */
    void started(Pod pod, String node) {
        List<Event> all = new ArrayList<>();
        List<Container> containers = new ArrayList<>();
        if (pod.getSpec().getInitContainers() != null) {
            pod.getSpec().getInitContainers().forEach(c -> containers.add(c));
        }
        int init = containers.size();
        if (pod.getSpec().getContainers() != null) {
            containers.addAll(pod.getSpec().getContainers());
        }
        for (int i = 0; i < containers.size(); i++) {
            Container c = containers.get(i);
            String path = (i < init ? "spec.initContainers{" : "spec.containers{") + c.getName() + "}";
            all.add(event(pod, node, path, "Pulled", "Container image \"" + c.getImage()
                    + "\" already present on machine"));
            all.add(event(pod, node, path, "Created", "Created container: " + c.getName()));
            all.add(event(pod, node, path, "Started", "Started container " + c.getName()));
        }
        send(pod, node, all);
    }

    /** The pod's regular containers are being stopped (it was deleted). */
    void killing(Pod pod, String node) {
        List<Event> all = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers() == null ? List.<Container>of() : pod.getSpec().getContainers()) {
            all.add(event(pod, node, "spec.containers{" + c.getName() + "}", "Killing",
                    "Stopping container " + c.getName()));
        }
        send(pod, node, all);
    }

    private Event event(Pod pod, String node, String fieldPath, String reason, String message) {
        Instant now = Instant.now();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        return new EventBuilder().withNewMetadata()
                .withName(pod.getMetadata().getName() + "."
                        + Long.toHexString(lastNanos.updateAndGet(l -> Math.max(l + 1, nanos))))
                .withNamespace(pod.getMetadata().getNamespace()).endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("Pod")
                .withNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid()).withFieldPath(fieldPath).endInvolvedObject()
                .withType("Normal").withReason(reason).withMessage(message)
                .withNewSource().withComponent("kubelet").withHost(node).endSource()
                .withReportingComponent("kubelet").withReportingInstance(node)
                .withFirstTimestamp(time).withLastTimestamp(time).withCount(1).build();
    }

    private void send(Pod pod, String node, List<Event> all) {
        if (events == null || all.isEmpty()) {
            return;
        }
        Thread.ofVirtual().name("kubelet-events").start(() -> {
            for (Event e : all) {
                try {
                    writes.create(SimulatedNode.scope(events, pod.getMetadata().getNamespace(), node), e,
                            OperationOptions.create());
                } catch (RuntimeException ex) {
                    LOG.debug("event {} on pod {}/{} dropped: {}", e.getReason(), pod.getMetadata().getNamespace(),
                            pod.getMetadata().getName(), ex.toString());
                }
            }
        });
    }
}
