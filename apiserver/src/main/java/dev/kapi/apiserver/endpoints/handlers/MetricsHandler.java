package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ListPage;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.groups.metrics.MetricsObjects;
import dev.kapi.apiserver.registry.groups.metrics.MetricsResources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * GET of metrics.k8s.io {@code nodes} and {@code pods}, one object or a list (with {@code labelSelector} and
 * {@code fieldSelector} on metadata.name/namespace, as metrics-server), computed from the nodes and pods stored now
 * ({@link MetricsObjects}). A node that is not simulated, or a pod that is not Running on one, has no metrics:
 * a get answers kube's 404 ({@code podmetrics.metrics.k8s.io "x" not found}) and a list leaves it out.
 */
public final class MetricsHandler implements VerbHandler {

    static final GroupResource NODE_METRICS = new GroupResource(MetricsResources.GROUP, "nodemetrics");
    static final GroupResource POD_METRICS = new GroupResource(MetricsResources.GROUP, "podmetrics");

    private final StoreRegistry stores;
    private final Clock clock;

    public MetricsHandler(StoreRegistry stores, Clock clock) {
        this.stores = stores;
        this.clock = clock;
    }

    @Override
    public void handle(RequestScope scope) throws IOException {
        boolean nodes = scope.definition().resource().equals("nodes");
        Instant now = clock.instant();
        if (scope.getsOne()) {
            HasMetadata one = nodes ? nodeMetrics(scope.name(), now) : podMetrics(scope.namespace(), scope.name(), now);
            if (one == null) {
                throw StatusError.notFound(nodes ? NODE_METRICS : POD_METRICS, scope.name());
            }
            ObjectWriter.writeObject(scope, 200, one);
            return;
        }
        Predicate<HasMetadata> filter = SelectorFilter.of(scope);
        List<HasMetadata> all = nodes ? allNodeMetrics(now) : allPodMetrics(scope.namespace(), now);
        List<HasMetadata> selected = filter == null ? all : all.stream().filter(filter).toList();
        ObjectWriter.writeList(scope, new ListPage<>(selected, "", null, null));
    }

    private HasMetadata nodeMetrics(String name, Instant now) {
        Node node = node(name);
        return node == null ? null : MetricsObjects.node(node, pods().list(null, ListParams.all()).items(), now);
    }

    private HasMetadata podMetrics(String namespace, String name, Instant now) {
        Pod pod;
        try {
            pod = pods().get(namespace, name);
        } catch (StatusError e) {
            if (e.code() == 404) {
                return null;
            }
            throw e;
        }
        String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        return nodeName == null ? null : MetricsObjects.pod(pod, node(nodeName), now);
    }

    private List<HasMetadata> allNodeMetrics(Instant now) {
        List<Pod> pods = pods().list(null, ListParams.all()).items();
        List<HasMetadata> out = new ArrayList<>();
        for (Node n : nodes().list(null, ListParams.all()).items()) {
            out.add(MetricsObjects.node(n, pods, now));
        }
        return out.stream().filter(Objects::nonNull).toList();
    }

    private List<HasMetadata> allPodMetrics(String namespace, Instant now) {
        Map<String, Node> byName = new HashMap<>();
        nodes().list(null, ListParams.all()).items().forEach(n -> byName.put(n.getMetadata().getName(), n));
        List<HasMetadata> out = new ArrayList<>();
        for (Pod p : pods().list(namespace, ListParams.all()).items()) {
            String nodeName = p.getSpec() == null ? null : p.getSpec().getNodeName();
            HasMetadata m = nodeName == null ? null : MetricsObjects.pod(p, byName.get(nodeName), now);
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    private Node node(String name) {
        try {
            return nodes().get(null, name);
        } catch (StatusError e) {
            if (e.code() == 404) {
                return null;
            }
            throw e;
        }
    }

    private Store<Pod> pods() {
        return stores.find("", "v1", "pods", Pod.class).orElseThrow();
    }

    private Store<Node> nodes() {
        return stores.find("", "v1", "nodes", Node.class).orElseThrow();
    }
}
