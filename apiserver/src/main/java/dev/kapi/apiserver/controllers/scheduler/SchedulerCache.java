package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.InformerCache;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * kube-scheduler's cache: every node with the pods bound (or assumed bound) to it, kept up to date from the
 * informers' events rather than gathered from every pod for each pod scheduled. Each pod's usage is worked
 * out once, when the informer reports it; a cycle's {@link #nodeInfos} reuses the {@link NodeInfo} of every
 * node that did not change since the last cycle (kube's generation-based {@code UpdateSnapshot}), so a cycle
 * costs the number of nodes, not of pods.
 *
 * <p>A pod the scheduler bound is assumed on its node until the informer shows it bound (then its own state
 * replaces the assumed one), no longer the scheduler's to place (being deleted or finished), or gone; a failed
 * binding forgets it. The informer thread (through {@link #pods()} and {@link #nodes()}) and the scheduler's
 * worker meet under this object's lock.
 */
final class SchedulerCache {

    private record Entry(Pod pod, NodeInfo.Usage usage, boolean assumed) {
    }

    /** A node's pods; {@code node} is null while pods name a node the informer has not shown (yet). */
    private static final class NodeEntry {
        Node node;
        final Map<String, Entry> pods = new LinkedHashMap<>();
        /** Built for a cycle and reused until the node or its pods change. */
        NodeInfo built;

        NodeInfo info() {
            if (built == null) {
                built = new NodeInfo(node);
                pods.values().forEach(e -> built.add(e.pod(), e.usage()));
            }
            return built;
        }
    }

    /** By node name, in name order (the snapshot's order). */
    private final Map<String, NodeEntry> nodes = new TreeMap<>();
    /** The node each pod is on, by pod key. */
    private final Map<String, String> podNodes = new HashMap<>();

    /** The handler that keeps the pods (add it before handlers that queue work, so they see its state). */
    EventHandler<Pod> pods() {
        return new EventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                observed(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                observed(pod);
            }

            @Override
            public void onDelete(Pod pod) {
                remove(InformerCache.key(pod), pod.getMetadata().getUid(), false);
            }
        };
    }

    /** The handler that keeps the nodes. */
    EventHandler<Node> nodes() {
        return new EventHandler<>() {
            @Override
            public void onAdd(Node node) {
                setNode(node.getMetadata().getName(), node);
            }

            @Override
            public void onUpdate(Node old, Node node) {
                setNode(node.getMetadata().getName(), node);
            }

            @Override
            public void onDelete(Node node) {
                setNode(node.getMetadata().getName(), null);
            }
        };
    }

    /** Counts {@code pod} (a copy with the node it was bound to) on its node until the informer confirms it. */
    synchronized void assume(Pod pod) {
        String key = InformerCache.key(pod);
        remove(key, null, false);
        put(key, new Entry(pod, NodeInfo.Usage.of(pod), true));
    }

    /** Whether this pod (key and uid) is assumed bound and not yet confirmed by the informer. */
    synchronized boolean isAssumed(String key, String uid) {
        Entry entry = entry(key);
        return entry != null && entry.assumed() && Objects.equals(entry.pod().getMetadata().getUid(), uid);
    }

    /** Forgets an assumed pod whose binding failed; a pod the informer showed bound meanwhile stays. */
    synchronized void forget(String key, String uid) {
        remove(key, uid, true);
    }

    /** Every known node with its pods, in name order; pods on unknown nodes are left out, as in kube. */
    synchronized List<NodeInfo> nodeInfos() {
        List<NodeInfo> out = new ArrayList<>(nodes.size());
        for (NodeEntry entry : nodes.values()) {
            if (entry.node != null) {
                out.add(entry.info());
            }
        }
        return out;
    }

    private synchronized void observed(Pod pod) {
        String key = InformerCache.key(pod);
        String uid = pod.getMetadata().getUid();
        if (Scheduler.assigned(pod)) {
            remove(key, null, false);
            put(key, new Entry(pod, NodeInfo.Usage.of(pod), false));
        } else if (!Scheduler.responsible(pod)) {
            remove(key, uid, false); // finished, or being deleted before the informer saw it bound
        } else {
            Entry known = entry(key);
            if (known != null && !known.assumed()) {
                remove(key, uid, false); // not expected (a node name is never taken away), but not counted then
            }
        }
    }

    private synchronized void setNode(String name, Node node) {
        NodeEntry entry = node == null ? nodes.get(name) : nodes.computeIfAbsent(name, n -> new NodeEntry());
        if (entry == null) {
            return;
        }
        entry.node = node;
        entry.built = null;
        if (node == null && entry.pods.isEmpty()) {
            nodes.remove(name);
        }
    }

    private Entry entry(String key) {
        String node = podNodes.get(key);
        return node == null ? null : nodes.get(node).pods.get(key);
    }

    private void put(String key, Entry entry) {
        String nodeName = entry.pod().getSpec().getNodeName();
        NodeEntry node = nodes.computeIfAbsent(nodeName, n -> new NodeEntry());
        node.pods.put(key, entry);
        node.built = null;
        podNodes.put(key, nodeName);
    }

    /** Removes the pod of {@code key} (only with that uid, when given; only when assumed, with onlyAssumed). */
    private void remove(String key, String uid, boolean onlyAssumed) {
        String nodeName = podNodes.get(key);
        if (nodeName == null) {
            return;
        }
        NodeEntry node = nodes.get(nodeName);
        Entry entry = node.pods.get(key);
        if (uid != null && !Objects.equals(uid, entry.pod().getMetadata().getUid())
                || onlyAssumed && !entry.assumed()) {
            return;
        }
        node.pods.remove(key);
        node.built = null;
        podNodes.remove(key);
        if (node.node == null && node.pods.isEmpty()) {
            nodes.remove(nodeName);
        }
    }
}
