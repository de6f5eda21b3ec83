package dev.kapi.apiserver.controllers.nodes;

import dev.kapi.apiserver.controllers.EventRecorder;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.List;

/**
 * Which core/v1 Events a kubelet records about the containers it runs, what {@code kubectl describe pod} lists
 * under the scheduler's {@code Scheduled}: {@code Pulled} (the image already present), {@code Created} and
 * {@code Started} for each init and regular container when the pod starts (and for each ephemeral container
 * when it is added), {@code Killing} for each running
 * container when the pod is deleted. Each names its container ({@code involvedObject.fieldPath}, no
 * resourceVersion); source {@code kubelet} on the node, written by an {@link EventRecorder} as the node's user,
 * the Events of a pod in order.
 */
final class KubeletEvents {

    private final WritePipeline writes;
    private final Store<Event> events;

    /** @param events null when the server has no events store: nothing is recorded */
    KubeletEvents(WritePipeline writes, Store<Event> events) {
        this.writes = writes;
        this.events = events;
    }

    /** The pod's containers were "pulled", created and started (init containers first). */
    void started(Pod pod, String node) {
        EventRecorder recorder = recorder(node);
        List<Event> all = new ArrayList<>();
        List<Container> containers = new ArrayList<>();
        if (pod.getSpec().getInitContainers() != null) {
            containers.addAll(pod.getSpec().getInitContainers());
        }
        int init = containers.size();
        if (pod.getSpec().getContainers() != null) {
            containers.addAll(pod.getSpec().getContainers());
        }
        for (int i = 0; i < containers.size(); i++) {
            Container c = containers.get(i);
            ObjectReference ref = container(pod, (i < init ? "spec.initContainers{" : "spec.containers{")
                    + c.getName() + "}");
            containerStarted(recorder, all, ref, c.getName(), c.getImage());
        }
        recorder.send(all);
    }

    /** Ephemeral containers added to the running pod were "pulled", created and started. */
    void ephemeralStarted(Pod pod, String node, List<EphemeralContainer> added) {
        EventRecorder recorder = recorder(node);
        List<Event> all = new ArrayList<>();
        for (EphemeralContainer c : added) {
            containerStarted(recorder, all, container(pod, "spec.ephemeralContainers{" + c.getName() + "}"),
                    c.getName(), c.getImage());
        }
        recorder.send(all);
    }

    private static void containerStarted(EventRecorder recorder, List<Event> all, ObjectReference ref, String name,
                                         String image) {
        all.add(recorder.event(ref, "Normal", "Pulled", "Container image \"" + image
                + "\" already present on machine"));
        all.add(recorder.event(ref, "Normal", "Created", "Created container: " + name));
        all.add(recorder.event(ref, "Normal", "Started", "Started container " + name));
    }

    /** The pod's regular containers are being stopped (it was deleted). */
    void killing(Pod pod, String node) {
        EventRecorder recorder = recorder(node);
        List<Event> all = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers() == null ? List.<Container>of() : pod.getSpec().getContainers()) {
            all.add(recorder.event(container(pod, "spec.containers{" + c.getName() + "}"), "Normal", "Killing",
                    "Stopping container " + c.getName()));
        }
        recorder.send(all);
    }

    private EventRecorder recorder(String node) {
        return EventRecorder.builder(writes, events, SimulatedNode.user(node), "kubelet").onNode(node).build();
    }

    private static ObjectReference container(Pod pod, String fieldPath) {
        return new ObjectReferenceBuilder(EventRecorder.reference(pod, "v1", "Pod")).withResourceVersion(null)
                .withFieldPath(fieldPath).build();
    }
}
