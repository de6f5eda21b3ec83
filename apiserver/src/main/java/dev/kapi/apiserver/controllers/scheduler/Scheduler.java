package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.core.PodBindings;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerCache;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * kube-scheduler's default profile inside the server: pods without a node, for {@code default-scheduler} and
 * not being deleted, are queued; one worker takes them one at a time, places each with {@link Placement} over a
 * {@link Snapshot} of the nodes and bound pods (kept from the informers' events by the {@link SchedulerCache}),
 * and binds it through the {@code pods/binding} subresource (the CREATE of a Binding, admitted as a client's) in
 * the background, as kube's binding cycle does, while it places the next pod. A pod it bound that the informer has not yet
 * seen bound stays counted on its node (kube's assumed pods) until the informer shows it bound or gone, so two
 * pods never overcommit a node. A pod that fits no node gets PodScheduled=False and a FailedScheduling Event
 * ({@link SchedulingRecorder}) and waits in the unschedulable set: a node added or changed, a pod leaving a node
 * or relabelled there, or (for pods waiting on pod affinity or spread) a pod arriving on one, queues it again
 * after its backoff (1s doubling to 10s per attempt, kube's), and every 5 minutes anyway. Preemption is not
 * done: the message's preemption part is what kube's DefaultPreemption says when it finds no victims.
 */
final class Scheduler extends Controller {

    static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** kube's podMaxInUnschedulablePodsDuration. */
    static final Duration UNSCHEDULABLE_FLUSH = Duration.ofMinutes(5);
    /** How many bindings are written at once (kube binds each in a goroutine of its own, its client's QPS the limit). */
    static final int PARALLEL_BINDINGS = 16;
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    /** How often a pod failed to fit, and when it last tried. */
    private record Attempts(int count, long lastNanos) {

        long backoffEndNanos() {
            long backoff = Math.min(INITIAL_BACKOFF.toNanos() << Math.min(count - 1, 20), MAX_BACKOFF.toNanos());
            return lastNanos + backoff;
        }
    }

    private final Informer<Pod> pods;
    private final Informer<Node> nodes;
    private final Informer<Namespace> namespaces;
    private final SpreadSelectors spreadSelectors;
    private final Store<Pod> podStore;
    private final WritePipeline writes;
    private final SchedulingRecorder recorder;
    /** The nodes and the pods on them, bound or assumed bound. */
    private final SchedulerCache cache = new SchedulerCache();
    private final Map<String, Attempts> unschedulable = new ConcurrentHashMap<>();
    private final Random random = new Random();
    private final Semaphore bindingSlots = new Semaphore(PARALLEL_BINDINGS);
    private final Set<Thread> bindings = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> bindingFailures = new ConcurrentHashMap<>();

    Scheduler(Informer<Pod> pods, Informer<Node> nodes, Informer<Namespace> namespaces,
              SpreadSelectors spreadSelectors, Store<Pod> podStore, WritePipeline writes, SchedulingRecorder recorder) {
        super("kube-scheduler", 1, new WorkQueue(INITIAL_BACKOFF, MAX_BACKOFF), informers(pods, nodes, namespaces,
                spreadSelectors));
        this.pods = pods;
        this.nodes = nodes;
        this.namespaces = namespaces;
        this.spreadSelectors = spreadSelectors;
        this.podStore = podStore;
        this.writes = writes;
        this.recorder = recorder;
        pods.addHandler(cache.pods()); // first: the handlers that queue pods see the cache's new state
        nodes.addHandler(cache.nodes());
        pods.addHandler(new PodEvents(this));
        nodes.addHandler(new NodeEvents(this));
    }

    private static List<Informer<?>> informers(Informer<Pod> pods, Informer<Node> nodes, Informer<Namespace> namespaces,
                                               SpreadSelectors spreadSelectors) {
        List<Informer<?>> all = new ArrayList<>(List.of(pods, nodes, namespaces));
        all.addAll(spreadSelectors.informers());
        return all;
    }

    /** A pod this scheduler places: no node, {@code default-scheduler} (or none named), not being deleted. */
    static boolean responsible(Pod pod) {
        String scheduler = pod.getSpec().getSchedulerName();
        return empty(pod.getSpec().getNodeName()) && pod.getMetadata().getDeletionTimestamp() == null
                && (empty(scheduler) || SchedulingRecorder.SCHEDULER_NAME.equals(scheduler)) && !terminated(pod);
    }

    /** A pod that holds its node's resources: bound and not finished. */
    static boolean assigned(Pod pod) {
        return !empty(pod.getSpec().getNodeName()) && !terminated(pod);
    }

    private static boolean terminated(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    void queue(Pod pod) {
        queue.add(InformerCache.key(pod));
    }

    void forget(Pod pod) {
        unschedulable.remove(InformerCache.key(pod));
        bindingFailures.remove(InformerCache.key(pod));
        recorder.forget(InformerCache.key(pod));
    }

    /**
     * Queues the unschedulable pods again, each once its backoff is over (kube's move to the active or backoff
     * queue on a cluster event); with {@code affinityOnly}, only those a pod's arrival could help: pods with
     * required pod affinity or topology spread constraints.
     */
    void retryUnschedulable(boolean affinityOnly) {
        long now = System.nanoTime();
        unschedulable.forEach((key, attempts) -> {
            if (affinityOnly && !dependsOnOtherPods(key)) {
                return;
            }
            queue.addAfter(key, Duration.ofNanos(Math.max(0, attempts.backoffEndNanos() - now)));
        });
    }

    private boolean dependsOnOtherPods(String key) {
        int slash = key.indexOf('/');
        Pod pod = pods.cache().get(key.substring(0, slash), key.substring(slash + 1));
        return pod != null && ((pod.getSpec().getAffinity() != null
                && pod.getSpec().getAffinity().getPodAffinity() != null)
                || !Resources.list(pod.getSpec().getTopologySpreadConstraints()).isEmpty());
    }

    @Override
    protected boolean reconcile(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        Pod pod = pods.cache().get(namespace, name);
        if (pod == null || !responsible(pod)) {
            unschedulable.remove(key);
            bindingFailures.remove(key);
            return true;
        }
        if (cache.isAssumed(key, pod.getMetadata().getUid())) {
            return true; // bound already; the informer has not seen it yet
        }
        if (!Resources.list(pod.getSpec().getSchedulingGates()).isEmpty()) {
            unschedulable.remove(key);
            recorder.gated(pod);
            return true; // kube's SchedulingGates: an update removing the gates queues it again
        }
        Placement.Result result = Placement.schedule(pod, snapshot(), random);
        if (result.node() == null) {
            Attempts before = unschedulable.get(key);
            unschedulable.put(key, new Attempts(before == null ? 1 : before.count() + 1, System.nanoTime()));
            recorder.unschedulable(pod, result.message());
            queue.addAfter(key, UNSCHEDULABLE_FLUSH);
            return true;
        }
        return bind(key, pod, result.node());
    }

    /**
     * Assumes the pod on {@code node} and binds it in the background (kube's binding cycle), so the worker goes
     * on to the next pod while the writes are made; at most {@link #PARALLEL_BINDINGS} at once.
     */
    private boolean bind(String key, Pod pod, String node) {
        cache.assume(new PodBuilder(pod).editSpec().withNodeName(node).endSpec().build());
        try {
            bindingSlots.acquire();
        } catch (InterruptedException e) {
            cache.forget(key, pod.getMetadata().getUid());
            Thread.currentThread().interrupt();
            return false;
        }
        Thread binding = Thread.ofVirtual().name("kube-scheduler-binding").unstarted(() -> {
            try {
                writeBinding(key, pod, node);
            } finally {
                bindings.remove(Thread.currentThread());
                bindingSlots.release();
            }
        });
        bindings.add(binding); // before the check: a stop from here on interrupts and waits for it
        if (stopping()) {
            bindings.remove(binding);
            bindingSlots.release();
            cache.forget(key, pod.getMetadata().getUid());
            return false;
        }
        binding.start();
        return true;
    }

    /** The CREATE of the pod's Binding; a failure forgets the assumed pod and queues it again after a backoff. */
    private void writeBinding(String key, Pod pod, String node) {
        Binding binding = new Binding();
        ObjectMeta meta = new ObjectMeta();
        meta.setName(pod.getMetadata().getName());
        meta.setNamespace(pod.getMetadata().getNamespace());
        meta.setUid(pod.getMetadata().getUid());
        binding.setMetadata(meta);
        ObjectReference target = new ObjectReference();
        target.setKind("Node");
        target.setName(node);
        binding.setTarget(target);
        String namespace = pod.getMetadata().getNamespace();
        try {
            writes.create(new WriteScope<>(podStore, namespace, "binding", SchedulerControllers.USER,
                    SchedulerControllers.MANAGER, null), meta.getName(), binding, OperationOptions.create(),
                    (admitted, validation) -> {
                        validation.accept(admitted);
                        return PodBindings.assign(writes, podStore, namespace, SchedulerControllers.USER, admitted,
                                false);
                    });
        } catch (StatusError e) {
            cache.forget(key, pod.getMetadata().getUid());
            if (e.code() == 404 || e.code() == 409) {
                return; // gone, or bound by another (the informer will tell)
            }
            if (!stopping()) {
                LOG.warn("kube-scheduler: binding pod {} to node {} failed: {}", key, node, e.getMessage());
                retryBinding(key);
            }
            return;
        } catch (RuntimeException e) {
            cache.forget(key, pod.getMetadata().getUid());
            if (!stopping()) {
                LOG.warn("kube-scheduler: binding pod {} to node {} failed: {}", key, node, e.toString());
                retryBinding(key);
            }
            return;
        }
        bindingFailures.remove(key);
        unschedulable.remove(key);
        recorder.scheduled(pod, node);
    }

    /** Queues the pod again after its binding's backoff: 1 s doubling to 10 s per failure in a row (kube's). */
    private void retryBinding(String key) {
        int failures = bindingFailures.merge(key, 1, Integer::sum);
        queue.addAfter(key, Duration.ofNanos(Math.min(INITIAL_BACKOFF.toNanos() << Math.min(failures - 1, 20),
                MAX_BACKOFF.toNanos())));
    }

    @Override
    protected List<Thread> helpers() {
        return List.copyOf(bindings);
    }

    /** The nodes and the pods on them, the assumed ones included. */
    private Snapshot snapshot() {
        return Snapshot.of(cache.nodeInfos(), ns -> {
            Namespace n = namespaces.cache().get(null, ns);
            return n == null ? null : n.getMetadata().getLabels();
        }, spreadSelectors::of);
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
