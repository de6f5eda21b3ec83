package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.EventRecorder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.kapi.apiserver.controllers.apps.ControllerRefs.intOf;

/**
 * One sync of one Deployment (kube's {@code DeploymentController} methods of {@code sync.go}): finding the new
 * ReplicaSet (the one whose template equals the Deployment's, ignoring the hash label) or creating it as
 * {@code <deployment>-<pod-template-hash>} with the next revision, keeping the revision annotations of the
 * ReplicaSets and the Deployment, scaling ReplicaSets (with the desired-replicas and max-replicas
 * annotations), removing old ReplicaSets beyond revisionHistoryLimit, the paused condition, and the status
 * writes. The rollouts themselves are {@link DeploymentRollouts}. Holds the Deployment as last written and the
 * latest known version of each ReplicaSet.
 */
final class DeploymentSync {

    record NewAndOld(ReplicaSet newRS, List<ReplicaSet> old) {
        List<ReplicaSet> all() {
            return Deployments.with(old, newRS);
        }
    }

    Deployment d;
    final Instant now = Instant.now();
    /** When the Deployment should be looked at again for its progress deadline, or null. */
    Duration recheckIn;
    private final Map<String, ReplicaSet> latest = new LinkedHashMap<>();
    private final ReplicaSetWrites writes;
    private final EventRecorder events;

    DeploymentSync(Deployment d, List<ReplicaSet> owned, ReplicaSetWrites writes, EventRecorder events) {
        this.d = new DeploymentBuilder(d).build();
        if (this.d.getStatus() == null) {
            this.d.setStatus(new DeploymentStatus());
        }
        owned.forEach(rs -> latest.put(rs.getMetadata().getName(), rs));
        this.writes = writes;
        this.events = events;
    }

    /** The latest known version of each ReplicaSet of the list. */
    List<ReplicaSet> fresh(List<ReplicaSet> sets) {
        return sets.stream().map(this::fresh).toList();
    }

    ReplicaSet fresh(ReplicaSet rs) {
        return rs == null ? null : latest.getOrDefault(rs.getMetadata().getName(), rs);
    }

    /** kube's {@code getAllReplicaSetsAndSyncRevision}. */
    NewAndOld all(boolean create) {
        List<ReplicaSet> sets = new ArrayList<>(latest.values());
        sets.sort(Deployments.OLDEST_FIRST);
        ReplicaSet found = sets.stream()
                .filter(rs -> TemplateHash.semanticallyEqual(rs.getSpec().getTemplate(), d.getSpec().getTemplate()))
                .findFirst().orElse(null);
        List<ReplicaSet> old = sets.stream().filter(rs -> rs != found).toList();
        return new NewAndOld(newReplicaSet(found, old, create), old);
    }

    private ReplicaSet newReplicaSet(ReplicaSet existing, List<ReplicaSet> old, boolean create) {
        long newRevision = Deployments.maxRevision(old) + 1;
        if (existing != null) {
            ReplicaSet copy = new ReplicaSetBuilder(existing).build();
            boolean annotations = Deployments.setNewReplicaSetAnnotations(d, copy, newRevision, true);
            boolean minReady = intOf(copy.getSpec().getMinReadySeconds()) != intOf(d.getSpec().getMinReadySeconds());
            if (annotations || minReady) {
                Map<String, String> wanted = new HashMap<>(Deployments.annotations(copy));
                return remember(writes.update(existing, rs -> {
                    rs.getMetadata().setAnnotations(wanted);
                    rs.getSpec().setMinReadySeconds(d.getSpec().getMinReadySeconds());
                }));
            }
            syncRevision(Deployments.annotations(copy).get(Deployments.REVISION));
            if (DeploymentStatuses.hasProgressDeadline(d)
                    && DeploymentStatuses.get(d.getStatus(), DeploymentStatuses.PROGRESSING) == null) {
                DeploymentStatus s = statusCopy();
                DeploymentStatuses.set(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "True",
                        DeploymentStatuses.FOUND_NEW_RS, "Found new replica set \"" + copy.getMetadata().getName() + "\"",
                        now));
                writeStatus(s);
            }
            return existing;
        }
        if (!create) {
            return null;
        }
        return createNew(old, newRevision);
    }

    private ReplicaSet createNew(List<ReplicaSet> old, long newRevision) {
        String hash = TemplateHash.compute(d.getSpec().getTemplate(), d.getStatus().getCollisionCount());
        PodTemplateSpec template = new PodTemplateSpecBuilder(d.getSpec().getTemplate()).build();
        if (template.getMetadata() == null) {
            template.setMetadata(new ObjectMeta());
        }
        Map<String, String> labels = new HashMap<>(template.getMetadata().getLabels() == null ? Map.of()
                : template.getMetadata().getLabels());
        labels.put(TemplateHash.LABEL, hash);
        template.getMetadata().setLabels(labels);
        ReplicaSet rs = new ReplicaSet();
        rs.setApiVersion("apps/v1");
        rs.setKind("ReplicaSet");
        ObjectMeta meta = new ObjectMeta();
        meta.setName(d.getMetadata().getName() + "-" + hash);
        meta.setNamespace(d.getMetadata().getNamespace());
        meta.setLabels(new HashMap<>(labels));
        meta.setOwnerReferences(new ArrayList<>(List.of(ControllerRefs.controllerRef(d, "apps/v1", "Deployment"))));
        rs.setMetadata(meta);
        ReplicaSetSpec spec = new ReplicaSetSpec();
        spec.setReplicas(0);
        spec.setMinReadySeconds(d.getSpec().getMinReadySeconds());
        spec.setSelector(new LabelSelectorBuilder(d.getSpec().getSelector()).addToMatchLabels(TemplateHash.LABEL, hash)
                .build());
        spec.setTemplate(template);
        rs.setSpec(spec);
        spec.setReplicas(Deployments.newReplicaSetReplicas(d, Deployments.with(old, rs), rs));
        Deployments.setNewReplicaSetAnnotations(d, rs, newRevision, false);
        ReplicaSet created;
        boolean existed = false;
        try {
            created = writes.create(rs);
        } catch (StatusError e) {
            if (e.code() == 409 && "AlreadyExists".equals(e.reason())) {
                ReplicaSet found = writes.get(meta.getNamespace(), meta.getName());
                if (found != null && ControllerRefs.controlledBy(found, d)
                        && TemplateHash.semanticallyEqual(found.getSpec().getTemplate(), d.getSpec().getTemplate())) {
                    created = found;
                    existed = true;
                } else {
                    DeploymentStatus s = statusCopy();
                    s.setCollisionCount(intOf(s.getCollisionCount()) + 1);
                    writeStatus(s);
                    throw e;
                }
            } else {
                String message = "Failed to create new replica set \"" + meta.getName() + "\": " + e.getMessage();
                events.warning(d, DeploymentStatuses.RS_CREATE_ERROR, message);
                if (DeploymentStatuses.hasProgressDeadline(d)) {
                    DeploymentStatus s = statusCopy();
                    DeploymentStatuses.set(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "False",
                            DeploymentStatuses.RS_CREATE_ERROR, message, now));
                    writeStatus(s);
                }
                throw e;
            }
        }
        remember(created);
        if (!existed && Deployments.replicas(created) > 0) {
            events.normal(d, "ScalingReplicaSet", "Scaled up replica set " + meta.getName() + " from 0 to "
                    + Deployments.replicas(created));
        }
        syncRevision(String.valueOf(newRevision));
        if (!existed && DeploymentStatuses.hasProgressDeadline(d)) {
            DeploymentStatus s = statusCopy();
            DeploymentStatuses.set(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "True",
                    DeploymentStatuses.NEW_RS_CREATED, "Created new replica set \"" + meta.getName() + "\"", now));
            writeStatus(s);
        }
        return created;
    }

    /** kube's {@code SetDeploymentRevision}, written at once. */
    private void syncRevision(String revision) {
        if (revision != null && !revision.equals(Deployments.annotations(d).get(Deployments.REVISION))) {
            DeploymentStatus status = d.getStatus();
            d = writes.annotate(d, Map.of(Deployments.REVISION, revision));
            d.setStatus(status);
        }
    }

    /** kube's {@code scaleReplicaSet}: size and replica annotations; the ReplicaSet as it is now. */
    ReplicaSet scale(ReplicaSet rs, int replicas) {
        rs = fresh(rs);
        int desired = Deployments.replicas(d);
        int max = desired + Deployments.maxSurge(d);
        ReplicaSet probe = new ReplicaSetBuilder(rs).build();
        boolean annotations = Deployments.setReplicasAnnotations(probe, desired, max);
        if (Deployments.replicas(rs) == replicas && !annotations) {
            return rs;
        }
        ReplicaSet updated = remember(writes.update(rs, current -> {
            current.getSpec().setReplicas(replicas);
            Deployments.setReplicasAnnotations(current, desired, max);
        }));
        int from = Deployments.replicas(rs);
        if (from != replicas) {
            events.normal(d, "ScalingReplicaSet", "Scaled " + (replicas > from ? "up" : "down") + " replica set "
                    + rs.getMetadata().getName() + " from " + from + " to " + replicas);
        }
        return updated;
    }

    /** kube's {@code cleanupDeployment}: deletes the oldest revisions beyond revisionHistoryLimit. */
    void cleanup(List<ReplicaSet> old) {
        Integer limit = d.getSpec().getRevisionHistoryLimit();
        if (limit == null || limit == Integer.MAX_VALUE) {
            return;
        }
        List<ReplicaSet> cleanable = new ArrayList<>(fresh(old).stream()
                .filter(rs -> rs.getMetadata().getDeletionTimestamp() == null).toList());
        int diff = cleanable.size() - limit;
        if (diff <= 0) {
            return;
        }
        cleanable.sort(Comparator.comparingLong(Deployments::revision).thenComparing(Deployments.OLDEST_FIRST));
        for (ReplicaSet rs : cleanable.subList(0, diff)) {
            if (intOf(Deployments.status(rs).getReplicas()) != 0 || Deployments.replicas(rs) != 0
                    || ControllerRefs.longOf(rs.getMetadata().getGeneration())
                    > ControllerRefs.longOf(Deployments.status(rs).getObservedGeneration())) {
                continue;
            }
            try {
                writes.delete(rs);
            } catch (StatusError e) {
                if (e.code() != 404 && e.code() != 409) {
                    throw e;
                }
            }
        }
    }

    /** kube's {@code checkPausedConditions}. */
    void checkPausedConditions() {
        if (!DeploymentStatuses.hasProgressDeadline(d)) {
            return;
        }
        var cond = DeploymentStatuses.get(d.getStatus(), DeploymentStatuses.PROGRESSING);
        if (cond != null && DeploymentStatuses.TIMED_OUT.equals(cond.getReason())) {
            return;
        }
        boolean pausedCondition = cond != null && DeploymentStatuses.PAUSED.equals(cond.getReason());
        boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());
        DeploymentStatus s = statusCopy();
        if (paused && !pausedCondition) {
            DeploymentStatuses.set(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "Unknown",
                    DeploymentStatuses.PAUSED, "Deployment is paused", now));
        } else if (!paused && pausedCondition) {
            DeploymentStatuses.set(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "Unknown",
                    DeploymentStatuses.RESUMED, "Deployment is resumed", now));
        } else {
            return;
        }
        writeStatus(s);
    }

    /** kube's {@code syncDeploymentStatus}: the counts and Available, no Progressing change. */
    void syncStatus(NewAndOld sets) {
        DeploymentStatus s = DeploymentStatuses.calculate(fresh(sets.all()), fresh(sets.newRS()), d, now);
        if (!DeploymentStatuses.same(d.getStatus(), s)) {
            writeStatus(s);
        }
    }

    /** kube's {@code syncRolloutStatus}. */
    void syncRolloutStatus(NewAndOld sets) {
        DeploymentStatus s = DeploymentStatuses.rollout(fresh(sets.all()), fresh(sets.newRS()), d, now);
        if (DeploymentStatuses.same(d.getStatus(), s)) {
            recheckIn = DeploymentStatuses.recheckIn(d, s, now);
            return;
        }
        writeStatus(s);
    }

    DeploymentStatus statusCopy() {
        return new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder(d.getStatus()).build();
    }

    void writeStatus(DeploymentStatus s) {
        d = writes.status(d, s);
        if (d.getStatus() == null) {
            d.setStatus(new DeploymentStatus());
        }
    }

    private ReplicaSet remember(ReplicaSet rs) {
        latest.put(rs.getMetadata().getName(), rs);
        return rs;
    }
}
