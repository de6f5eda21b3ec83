package dev.kapi.apiserver.controllers.scheduler;

import io.fabric8.kubernetes.api.model.Pod;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@link NodeInfo.Usage} of every bound pod, worked out once per pod version (uid and resourceVersion)
 * instead of in every scheduling cycle: kube's scheduler cache keeps each node's sums up to date as pods come
 * and go, where a {@link Snapshot} is built anew for each pod; parsing the quantities of every bound pod for
 * each pod scheduled made the cost of a cycle grow with the cluster. Used by the scheduler's one worker.
 */
final class PodUsages {

    private record Entry(String resourceVersion, NodeInfo.Usage usage) {
    }

    private Map<String, Entry> previous = new HashMap<>();
    private Map<String, Entry> current = new HashMap<>();

    /** The pod's usage, from the last cycle when the pod has not changed since. */
    NodeInfo.Usage of(Pod pod) {
        String uid = pod.getMetadata().getUid();
        String version = pod.getMetadata().getResourceVersion();
        if (uid == null || version == null) {
            return NodeInfo.Usage.of(pod);
        }
        Entry known = previous.get(uid);
        if (known == null || !known.resourceVersion().equals(version)) {
            known = new Entry(version, NodeInfo.Usage.of(pod));
        }
        current.put(uid, known);
        return known.usage();
    }

    /** Ends a cycle: what it did not ask for (pods gone or no longer bound) is forgotten. */
    void endCycle() {
        previous = current;
        current = HashMap.newHashMap(previous.size());
    }
}
