package dev.kapi.apiserver.admission.plugin.podsecurity;

import dev.kapi.apiserver.api.GroupResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;

import java.util.Optional;
import java.util.Set;

/**
 * The resources whose objects carry a pod (kube's {@code DefaultPodSpecExtractor}): pods themselves, and the pod
 * templates of podtemplates, replicationcontrollers, replicasets, deployments, statefulsets, daemonsets, jobs and
 * cronjobs.
 */
final class PodTemplates {

    /** A pod's metadata and spec as the checks read them. */
    record PodParts(ObjectMeta meta, PodSpec spec) {
    }

    static final GroupResource PODS = new GroupResource("", "pods");
    private static final Set<GroupResource> WORKLOADS = Set.of(new GroupResource("", "replicationcontrollers"),
            new GroupResource("", "podtemplates"), new GroupResource("apps", "replicasets"),
            new GroupResource("apps", "deployments"), new GroupResource("apps", "statefulsets"),
            new GroupResource("apps", "daemonsets"), new GroupResource("batch", "jobs"),
            new GroupResource("batch", "cronjobs"));

    private PodTemplates() {
    }

    /** Whether objects of the resource carry a pod template (pods themselves not included). */
    static boolean hasTemplate(GroupResource gr) {
        return WORKLOADS.contains(gr);
    }

    /**
     * The pod an object carries; empty when it has none (a ReplicationController without a template).
     *
     * @throws IllegalArgumentException for an object of another type
     */
    static Optional<PodParts> extract(HasMetadata obj) {
        return switch (obj) {
            case Pod p -> Optional.of(new PodParts(meta(p.getMetadata()), spec(p.getSpec())));
            case PodTemplate t -> required(t.getTemplate());
            case ReplicationController rc -> rc.getSpec() == null || rc.getSpec().getTemplate() == null
                    ? Optional.empty() : required(rc.getSpec().getTemplate());
            case ReplicaSet rs -> required(rs.getSpec() == null ? null : rs.getSpec().getTemplate());
            case Deployment d -> required(d.getSpec() == null ? null : d.getSpec().getTemplate());
            case DaemonSet ds -> required(ds.getSpec() == null ? null : ds.getSpec().getTemplate());
            case StatefulSet ss -> required(ss.getSpec() == null ? null : ss.getSpec().getTemplate());
            case Job j -> required(j.getSpec() == null ? null : j.getSpec().getTemplate());
            case CronJob cj -> {
                JobTemplateSpec jt = cj.getSpec() == null ? null : cj.getSpec().getJobTemplate();
                yield required(jt == null || jt.getSpec() == null ? null : jt.getSpec().getTemplate());
            }
            default -> throw new IllegalArgumentException("unexpected object type: " + obj.getApiVersion() + ", Kind="
                    + obj.getKind());
        };
    }

    /**
     * A template kube always has (a value there, not a pointer): an absent one is checked as an empty pod. Only a
     * ReplicationController's template is optional (none: nothing to check).
     */
    private static Optional<PodParts> required(PodTemplateSpec t) {
        return t == null ? Optional.of(new PodParts(new ObjectMeta(), new PodSpec()))
                : Optional.of(new PodParts(meta(t.getMetadata()), spec(t.getSpec())));
    }

    private static ObjectMeta meta(ObjectMeta m) {
        return m == null ? new ObjectMeta() : m;
    }

    private static PodSpec spec(PodSpec s) {
        return s == null ? new PodSpec() : s;
    }
}
