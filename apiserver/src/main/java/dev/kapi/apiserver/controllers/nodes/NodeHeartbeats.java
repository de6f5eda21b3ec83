package dev.kapi.apiserver.controllers.nodes;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The node side of the simulated kubelets: each registers its Node at start (one that exists already is kept: a
 * restart makes no duplicate; the kubelet's labels and the simulated-node annotation are put back on it if they
 * were removed), then reports the node's status every {@code statusReport} (the conditions' lastHeartbeatTime)
 * and renews its Lease {@code kube-node-lease/<node>} every {@code leaseRenew} (holder the node, owned by the
 * Node, as the kubelet's lease controller keeps it). Keys are {@code node/<i>} and {@code lease/<i>}; each
 * reconcile queues its key again after its interval. Every write is the node's own ({@code system:node:<name>},
 * manager {@code kubelet}). A node deleted after it was registered is left deleted, as a running kubelet leaves
 * it (it registers again only when it restarts).
 */
final class NodeHeartbeats extends Controller {

    static final String LEASE_NAMESPACE = "kube-node-lease";
    private static final Logger LOG = LoggerFactory.getLogger(NodeHeartbeats.class);

    private final Store<Node> nodes;
    private final Store<Lease> leases;
    private final WritePipeline writes;
    private final NodeTimings timings;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final Map<String, String> uids = new ConcurrentHashMap<>();

    NodeHeartbeats(int count, Store<Node> nodes, Store<Lease> leases, WritePipeline writes, NodeTimings timings) {
        super("simulated-node-heartbeat", 2, new WorkQueue(timings.leaseRenew().dividedBy(10),
                timings.leaseRenew()), List.of());
        this.nodes = nodes;
        this.leases = leases;
        this.writes = writes;
        this.timings = timings;
        for (int i = 0; i < count; i++) {
            queue.add("node/" + i);
            queue.add("lease/" + i);
        }
    }

    @Override
    protected boolean reconcile(String key) {
        int index = Integer.parseInt(key.substring(key.indexOf('/') + 1));
        try {
            boolean again = key.startsWith("node/") ? reportStatus(index) : renewLease(index);
            if (again) {
                queue.addAfter(key, jittered(key.startsWith("node/") ? timings.statusReport() : timings.leaseRenew()));
            }
            return true;
        } catch (StatusError e) {
            if (!stopping()) {
                LOG.warn("simulated node {}: {} failed: {}", SimulatedNode.name(index), key, e.getMessage());
            }
            return false;
        }
    }

    /** Registers the node the first time, reports its status after; false once it was deleted. */
    private boolean reportStatus(int index) {
        String name = SimulatedNode.name(index);
        WriteScope<Node> scope = SimulatedNode.scope(nodes, null, name);
        if (!registered.contains(name)) {
            try {
                writes.create(scope, SimulatedNode.registration(index, now()), OperationOptions.create());
                registered.add(name);
                return true;
            } catch (StatusError e) {
                if (e.code() != 409) {
                    throw e;
                }
                reconcileExisting(scope, name);
                registered.add(name); // kept; its status is reported below
            }
        }
        try {
            writes.update(scope.subresource("status"), name, node -> {
                node.setStatus(SimulatedNode.status(index, node.getStatus(), now()));
                return node;
            }, OperationOptions.update());
            return true;
        } catch (StatusError e) {
            if (e.code() == 404) {
                LOG.info("simulated node {} was deleted: its kubelet stops reporting", name);
                return false;
            }
            throw e;
        }
    }

    /** Puts the kubelet's labels and annotations back on the node it found (a no-op write is skipped). */
    private void reconcileExisting(WriteScope<Node> scope, String name) {
        try {
            if (SimulatedNode.reconciled(nodes.get(null, name)) != null) {
                writes.update(scope, name, node -> {
                    Node changed = SimulatedNode.reconciled(node);
                    return changed == null ? node : changed;
                }, OperationOptions.update());
            }
        } catch (StatusError e) {
            if (e.code() != 404) {
                throw e;
            }
        }
    }

    /**
     * Renews the node's lease, creating it (owned by the Node) when it is missing; false once the node was
     * deleted, or when it is not registered yet. The Node is read only for the lease's first write by this
     * process and when the lease has to be created.
     */
    private boolean renewLease(int index) {
        String name = SimulatedNode.name(index);
        String uid = uids.containsKey(name) ? uids.get(name) : nodeUid(index);
        if (uid == null) {
            return false;
        }
        WriteScope<Lease> scope = SimulatedNode.scope(leases, LEASE_NAMESPACE, name);
        try {
            writes.update(scope, name, lease -> renewed(lease, name, uid), OperationOptions.update());
        } catch (StatusError e) {
            if (e.code() != 404) {
                throw e;
            }
            String current = nodeUid(index); // the lease is gone: with its Node, perhaps
            if (current == null) {
                return false;
            }
            Lease lease = new Lease();
            lease.setMetadata(new ObjectMeta());
            lease.getMetadata().setName(name);
            lease.getMetadata().setNamespace(LEASE_NAMESPACE);
            writes.create(scope, renewed(lease, name, current), OperationOptions.create());
        }
        return true;
    }

    /** The uid of node {@code index} (remembered), or null when it does not exist. */
    private String nodeUid(int index) {
        String name = SimulatedNode.name(index);
        // read before the Node: a registration that finishes between the read and the check below would
        // otherwise look like a deleted node, and the lease would never be made
        boolean registeredBefore = registered.contains(name);
        try {
            String uid = nodes.get(null, name).getMetadata().getUid();
            uids.put(name, uid);
            return uid;
        } catch (StatusError e) {
            if (e.code() != 404) {
                throw e;
            }
            uids.remove(name);
            if (!registeredBefore) { // not registered yet (or just now): the lease follows soon after
                queue.addAfter("lease/" + index, timings.leaseRenew().dividedBy(4));
            }
            return null;
        }
    }

    private Lease renewed(Lease lease, String holder, String nodeUid) {
        if (lease.getMetadata().getOwnerReferences() == null || lease.getMetadata().getOwnerReferences().isEmpty()) {
            lease.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("v1")
                    .withKind("Node").withName(holder).withUid(nodeUid).build()));
        }
        LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        spec.setHolderIdentity(holder);
        spec.setLeaseDurationSeconds(timings.leaseDurationSeconds());
        spec.setRenewTime(Instant.now().truncatedTo(ChronoUnit.MICROS).atZone(ZoneOffset.UTC));
        lease.setSpec(spec);
        return lease;
    }

    /** The interval with up to 4% more, as the kubelet's loops jitter theirs, so that nodes spread out. */
    private static Duration jittered(Duration interval) {
        return interval.plusMillis(ThreadLocalRandom.current().nextLong(interval.toMillis() / 25 + 1));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }
}
