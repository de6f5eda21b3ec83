package dev.kapi.apiserver.controllers.endpoints;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What kube's endpointslice reconciler would write for one Service: slices to create, to update in place and
 * to delete, from the slices it manages for that Service and the pods the Service selects. Per address type
 * and per set of ports: endpoints still wanted stay in their slice (updated when their conditions, node or
 * zone changed), those no longer wanted leave it (an emptied slice is deleted), new ones fill the slices
 * being updated first, then the unchanged slice they best fit, then new slices of at most
 * {@code maxPerSlice}; a create paired with a delete becomes an update of the deleted slice, and a Service
 * without endpoints keeps one empty placeholder slice. Slices of another address type or owner go.
 *
 * <p>A pod on a node the cache does not know is left out (unless the Service publishes not-ready addresses)
 * and {@link #missingNodes} asks for another try, as kube does.
 */
final class SlicePlan {

    final List<EndpointSlice> create = new ArrayList<>();
    final List<EndpointSlice> update = new ArrayList<>();
    final List<EndpointSlice> delete = new ArrayList<>();
    boolean missingNodes;

    private final Service svc;
    private final int maxPerSlice;

    private SlicePlan(Service svc, int maxPerSlice) {
        this.svc = svc;
        this.maxPerSlice = maxPerSlice;
    }

    /**
     * @param existing the slices managed for the Service (fresh copies: the plan changes and returns them)
     * @param nodes    the node of a name, or null
     */
    static SlicePlan of(Service svc, List<Pod> pods, Function<String, Node> nodes, List<EndpointSlice> existing,
                        int maxPerSlice) {
        SlicePlan plan = new SlicePlan(svc, maxPerSlice);
        List<Pod> sorted = pods.stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
        for (String type : SliceEndpoints.addressTypes(svc)) {
            plan.addressType(type, sorted, nodes, existing.stream().filter(s -> type.equals(s.getAddressType())).toList());
        }
        for (EndpointSlice slice : existing) {
            if (!SliceEndpoints.addressTypes(svc).contains(slice.getAddressType())) {
                plan.delete.add(slice);
            }
        }
        plan.pairCreatesWithDeletes();
        return plan;
    }

    private void addressType(String type, List<Pod> pods, Function<String, Node> nodes, List<EndpointSlice> existing) {
        int createdBefore = create.size();
        List<EndpointSlice> deletes = new ArrayList<>();
        Map<String, List<EndpointSlice>> existingByPorts = new LinkedHashMap<>();
        for (EndpointSlice slice : existing) {
            if (SliceEndpoints.ownedBy(slice, svc)) {
                existingByPorts.computeIfAbsent(SliceEndpoints.portsKey(slice.getPorts()), k -> new ArrayList<>()).add(slice);
            } else {
                deletes.add(slice);
            }
        }
        Map<String, List<EndpointPort>> desiredPorts = new LinkedHashMap<>();
        Map<String, Map<String, Endpoint>> desired = new LinkedHashMap<>();
        boolean publishNotReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
        for (Pod pod : pods) {
            if (!ServicePods.belongs(pod, true)) {
                continue;
            }
            List<EndpointPort> ports = SliceEndpoints.ports(svc, pod);
            String portsKey = SliceEndpoints.portsKey(ports);
            desiredPorts.putIfAbsent(portsKey, ports);
            Map<String, Endpoint> set = desired.computeIfAbsent(portsKey, k -> new LinkedHashMap<>());
            String nodeName = pod.getSpec().getNodeName();
            Node node = nodeName == null || nodeName.isEmpty() ? null : nodes.apply(nodeName);
            if (node == null && !publishNotReady) {
                missingNodes = true;
                continue;
            }
            Endpoint ep = SliceEndpoints.endpoint(pod, node, svc, type);
            if (!ep.getAddresses().isEmpty()) {
                set.put(SliceEndpoints.key(ep), ep);
            }
        }
        desired.forEach((portsKey, set) -> byPorts(existingByPorts.getOrDefault(portsKey, List.of()), set,
                desiredPorts.get(portsKey), type, deletes));
        existingByPorts.forEach((portsKey, slices) -> {
            if (!desired.containsKey(portsKey)) {
                deletes.addAll(slices);
            }
        });
        if (existing.size() == deletes.size() && create.size() == createdBefore) {
            EndpointSlice placeholder = SliceEndpoints.newSlice(svc, List.of(), type);
            if (deletes.size() == 1 && isPlaceholder(deletes.getFirst(), placeholder)) {
                deletes.clear();
            } else {
                create.add(placeholder);
            }
        }
        delete.addAll(deletes);
    }

    /** kube's reconcileByPortMapping for the slices of one set of ports. */
    private void byPorts(List<EndpointSlice> existing, Map<String, Endpoint> wanted, List<EndpointPort> ports,
                         String type, List<EndpointSlice> deletes) {
        List<EndpointSlice> updating = new ArrayList<>();
        List<EndpointSlice> unchanged = new ArrayList<>();
        for (EndpointSlice slice : existing) {
            List<Endpoint> kept = new ArrayList<>();
            boolean changed = false;
            for (Endpoint ep : slice.getEndpoints()) {
                Endpoint got = wanted.remove(SliceEndpoints.key(ep));
                if (got != null) {
                    kept.add(got);
                    changed |= !SliceEndpoints.sameBeyondKey(got, ep);
                }
            }
            boolean labelsChanged = SliceEndpoints.labelsDiffer(slice, svc);
            if (changed || kept.size() != slice.getEndpoints().size()) {
                if (kept.isEmpty()) {
                    deletes.add(slice);
                    continue;
                }
                slice.setEndpoints(kept);
            } else if (!labelsChanged) {
                unchanged.add(slice);
                continue;
            }
            slice.getMetadata().setLabels(SliceEndpoints.labels(svc));
            updating.add(slice);
        }
        Iterator<Endpoint> left = wanted.values().iterator();
        updating.sort(Comparator.comparingInt((EndpointSlice s) -> s.getEndpoints().size()).reversed());
        for (EndpointSlice slice : updating) {
            fill(slice, left);
        }
        while (left.hasNext()) {
            // what the iterator has not handed out yet (those handed out were removed)
            EndpointSlice target = wanted.size() < maxPerSlice ? bestFit(unchanged, wanted.size()) : null;
            if (target == null) {
                target = SliceEndpoints.newSlice(svc, ports, type);
                create.add(target);
            } else {
                unchanged.remove(target);
                updating.add(target);
            }
            fill(target, left);
        }
        update.addAll(updating);
    }

    private void fill(EndpointSlice slice, Iterator<Endpoint> left) {
        while (left.hasNext() && slice.getEndpoints().size() < maxPerSlice) {
            slice.getEndpoints().add(left.next());
            left.remove();
        }
    }

    /** kube's getSliceToFill: the unchanged slice closest to full that still takes {@code count} more. */
    private EndpointSlice bestFit(List<EndpointSlice> unchanged, int count) {
        EndpointSlice best = null;
        int closest = maxPerSlice;
        for (EndpointSlice slice : unchanged) {
            int diff = maxPerSlice - (count + slice.getEndpoints().size());
            if (diff >= 0 && diff < closest) {
                closest = diff;
                best = slice;
            }
        }
        return best;
    }

    /** kube's placeholderSliceCompare: same namespace, labels, owners, address type; no ports or endpoints. */
    private static boolean isPlaceholder(EndpointSlice existing, EndpointSlice placeholder) {
        return Objects.equals(existing.getMetadata().getNamespace(), placeholder.getMetadata().getNamespace())
                && ServicePods.orEmpty(existing.getMetadata().getLabels()).equals(placeholder.getMetadata().getLabels())
                && Objects.equals(existing.getMetadata().getOwnerReferences(), placeholder.getMetadata().getOwnerReferences())
                && Objects.equals(existing.getAddressType(), placeholder.getAddressType())
                && existing.getPorts().isEmpty() && existing.getEndpoints().isEmpty();
    }

    /** kube's finalize: a slice to create takes the name of an owned slice of its type that was to be deleted. */
    private void pairCreatesWithDeletes() {
        for (Iterator<EndpointSlice> it = delete.iterator(); it.hasNext() && !create.isEmpty(); ) {
            EndpointSlice gone = it.next();
            EndpointSlice fresh = create.getLast();
            if (Objects.equals(gone.getAddressType(), fresh.getAddressType()) && SliceEndpoints.ownedBy(gone, svc)) {
                fresh.getMetadata().setName(gone.getMetadata().getName());
                fresh.getMetadata().setGenerateName(gone.getMetadata().getGenerateName());
                fresh.getMetadata().setResourceVersion(gone.getMetadata().getResourceVersion());
                create.removeLast();
                update.add(fresh);
                it.remove();
            }
        }
    }
}
