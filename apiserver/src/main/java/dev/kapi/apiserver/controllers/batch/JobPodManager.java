package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The pod writes of one job sync (kube's {@code manageJob} and {@code deleteActivePods}): how many pods are to
 * run and which, creating and deleting them with expectations recorded. A pod removed because the job is
 * suspended or has too many loses its tracking finalizer first, so that it is not counted as failed; one
 * removed because the job is finishing keeps it, and is counted.
 */
final class JobPodManager {

    /** kube's batch limit: at most this many pods created in one sync. */
    static final int MAX_CREATES = 500;

    private final String key;
    private final Job job;
    private final JobWrites writes;
    private final Expectations expectations;
    private final Function<String, Pod> cachedPod;
    int deletedReady;

    JobPodManager(String key, Job job, JobWrites writes, Expectations expectations, Function<String, Pod> cachedPod) {
        this.key = key;
        this.job = job;
        this.writes = writes;
        this.expectations = expectations;
        this.cachedPod = cachedPod;
    }

    /** Removes the pod's tracking finalizer, expecting to see it gone. */
    void removeFinalizer(Pod pod) {
        writes.removeFinalizer(pod);
        expect(pod.getMetadata().getUid(), pod.getMetadata().getName(), Expectations.Kind.FINALIZER_REMOVED);
    }

    /** Deletes the pods; returns how many it deleted (a pod gone already is not counted). */
    int delete(List<Pod> pods, boolean removeFinalizerFirst) {
        int deleted = 0;
        for (Pod pod : pods) {
            if (removeFinalizerFirst && JobPods.hasTrackingFinalizer(pod)) {
                removeFinalizer(pod);
            }
            if (writes.delete(pod)) {
                writes.event(job, "Normal", "SuccessfulDelete", "Deleted pod: " + pod.getMetadata().getName());
                expect(pod.getMetadata().getUid(), pod.getMetadata().getName(), Expectations.Kind.DELETED);
                deleted++;
                deletedReady += JobPods.ready(pod) ? 1 : 0;
            }
        }
        return deleted;
    }

    /**
     * NonIndexed: brings the active pods to {@code wantActive}, creating none for the {@code held} places of
     * terminating pods not to be replaced yet; returns how many are active then.
     */
    int scale(List<Pod> active, int wantActive, int held, boolean mayCreate) {
        int diff = active.size() - wantActive;
        if (diff > 0) {
            return active.size() - delete(forRemoval(active, diff), true);
        }
        int toCreate = Math.min(-diff - held, MAX_CREATES);
        if (toCreate <= 0 || !mayCreate) {
            return active.size();
        }
        int created = 0;
        for (int i = 0; i < toCreate; i++) {
            create(-1, 0);
            created++;
        }
        return active.size() + created;
    }

    /**
     * Indexed: deletes the active pods of completed (or failed), invalid or duplicate indexes and those above
     * {@code wantActive}, then creates pods for the lowest indexes neither completed nor running.
     */
    int scaleIndexed(List<Pod> active, BitSet completed, IndexFailures failures, int completions, int wantActive,
                     int held, boolean mayCreate) {
        BitSet running = new BitSet();
        List<Pod> keep = new ArrayList<>();
        List<Pod> remove = new ArrayList<>();
        for (Pod pod : active.stream().sorted(Comparator.comparing(JobPods::ready).reversed()).toList()) {
            int ix = JobPods.index(pod);
            if (ix < 0 || ix >= completions || completed.get(ix) || running.get(ix)) {
                remove.add(pod);
            } else {
                running.set(ix);
                keep.add(pod);
            }
        }
        if (keep.size() > wantActive) {
            keep.sort(Comparator.comparingInt(JobPods::index));
            remove.addAll(keep.subList(wantActive, keep.size()));
            keep = new ArrayList<>(keep.subList(0, wantActive));
        }
        int activeCount = active.size() - delete(remove, true);
        int created = 0;
        for (int ix = 0; mayCreate && ix < completions && keep.size() + held + created < wantActive
                && created < MAX_CREATES; ix++) {
            if (!completed.get(ix) && !running.get(ix)) {
                create(ix, failures == null ? 0 : failures.count(ix));
                created++;
            }
        }
        return activeCount + created;
    }

    private void create(int index, int indexFailures) {
        Pod pod;
        try {
            pod = writes.create(JobPods.newPod(job, index, indexFailures));
        } catch (StatusError e) {
            if (!namespaceTerminating(e)) {
                writes.event(job, "Warning", "FailedCreate", "Error creating: " + e.getMessage());
            }
            throw e;
        }
        writes.event(job, "Normal", "SuccessfulCreate", "Created pod: " + pod.getMetadata().getName());
        expect(pod.getMetadata().getUid(), pod.getMetadata().getName(), Expectations.Kind.CREATED);
    }

    private void expect(String uid, String name, Expectations.Kind kind) {
        expectations.expect(key, uid, kind, cachedPod.apply(name));
    }

    /** kube's {@code activePodsForRemoval}: the pods least far along first (not ready, then newest). */
    static List<Pod> forRemoval(List<Pod> active, int n) {
        return active.stream().sorted(Comparator.comparing(JobPods::ready)
                        .thenComparing((Pod p) -> p.getMetadata().getCreationTimestamp(),
                                Comparator.nullsFirst(Comparator.<String>reverseOrder())))
                .limit(n).toList();
    }

    /** Whether creating failed because the namespace is going away (kube stops creating, quietly). */
    static boolean namespaceTerminating(StatusError e) {
        var details = e.status().getDetails();
        return e.code() == 403 && details != null && details.getCauses() != null
                && details.getCauses().stream().anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
    }
}
