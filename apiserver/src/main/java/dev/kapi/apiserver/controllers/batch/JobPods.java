package dev.kapi.apiserver.controllers.batch;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pods of a Job as kube's job controller sees and makes them: the tracking finalizer, the completion index
 * of Indexed jobs, which pods are active, terminating, ready, succeeded or failed, and a new pod from the
 * template.
 */
final class JobPods {

    static final String TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
    static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
    static final String COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX";

    private JobPods() {
    }

    static boolean hasTrackingFinalizer(Pod pod) {
        List<String> f = pod.getMetadata().getFinalizers();
        return f != null && f.contains(TRACKING_FINALIZER);
    }

    static String phase(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "" : pod.getStatus().getPhase();
    }

    static boolean succeeded(Pod pod) {
        return "Succeeded".equals(phase(pod));
    }

    static boolean terminal(Pod pod) {
        return succeeded(pod) || "Failed".equals(phase(pod));
    }

    /** Running or about to: neither finished nor being deleted. */
    static boolean active(Pod pod) {
        return !terminal(pod) && !Owners.deleting(pod);
    }

    /** Being deleted and not finished (kube's {@code status.terminating}). */
    static boolean terminating(Pod pod) {
        return !terminal(pod) && Owners.deleting(pod);
    }

    /**
     * kube's {@code isPodFailed} for the default podReplacementPolicy TerminatingOrFailed: phase Failed, or
     * deleted before it succeeded (an orphan that never reaches a phase); with {@code Failed}, the phase only.
     */
    static boolean failed(Pod pod, Job job) {
        if ("Failed".equals(phase(pod))) {
            return true;
        }
        boolean onlyFailed = "Failed".equals(job.getSpec().getPodReplacementPolicy());
        return !onlyFailed && Owners.deleting(pod) && !succeeded(pod);
    }

    static boolean ready(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    /** The sum of the containers' restarts (kube counts them against backoffLimit under OnFailure). */
    static int restarts(Pod pod) {
        if (pod.getStatus() == null) {
            return 0;
        }
        int n = 0;
        for (List<ContainerStatus> list : List.of(nz(pod.getStatus().getInitContainerStatuses()),
                nz(pod.getStatus().getContainerStatuses()))) {
            for (ContainerStatus s : list) {
                n += s.getRestartCount() == null ? 0 : s.getRestartCount();
            }
        }
        return n;
    }

    /** The pod's completion index (annotation, else label), or -1 when it has none or an invalid one. */
    static int index(Pod pod) {
        String v = null;
        if (pod.getMetadata().getAnnotations() != null) {
            v = pod.getMetadata().getAnnotations().get(COMPLETION_INDEX);
        }
        if (v == null && pod.getMetadata().getLabels() != null) {
            v = pod.getMetadata().getLabels().get(COMPLETION_INDEX);
        }
        if (v == null || !v.matches("0|[1-9][0-9]{0,8}")) {
            return -1;
        }
        return Integer.parseInt(v);
    }

    /**
     * A new pod of the job (kube's {@code GetPodFromTemplate} plus the job's additions): the template's labels,
     * annotations and spec, generateName {@code <job>-} ({@code <job>-<index>-} when indexed), the tracking
     * finalizer and the job as controller; an indexed pod also has its index as annotation, label and
     * {@code JOB_COMPLETION_INDEX}, and {@code <job>-<index>} as hostname unless the template sets one.
     *
     * @param index         the completion index, or -1 for a NonIndexed job
     * @param indexFailures how often the index failed before (with backoffLimitPerIndex)
     */
    static Pod newPod(Job job, int index, int indexFailures) {
        PodTemplateSpec template = job.getSpec().getTemplate();
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        String name = job.getMetadata().getName();
        ObjectMeta meta = new ObjectMeta();
        meta.setGenerateName(index < 0 ? name + "-" : name + "-" + index + "-");
        meta.setNamespace(job.getMetadata().getNamespace());
        meta.setLabels(tm.getLabels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(tm.getLabels()));
        meta.setAnnotations(tm.getAnnotations() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(tm.getAnnotations()));
        meta.setFinalizers(new ArrayList<>(List.of(TRACKING_FINALIZER)));
        meta.setOwnerReferences(new ArrayList<>(List.of(Owners.controllerRef(job, "batch/v1", "Job"))));
        PodSpec spec = Owners.copy(template.getSpec(), PodSpec.class);
        if (index >= 0) {
            meta.getAnnotations().put(COMPLETION_INDEX, String.valueOf(index));
            meta.getLabels().put(COMPLETION_INDEX, String.valueOf(index));
            if (job.getSpec().getBackoffLimitPerIndex() != null) {
                meta.getAnnotations().put(IndexFailures.FAILURE_COUNT, String.valueOf(indexFailures));
            }
            if (spec.getHostname() == null || spec.getHostname().isEmpty()) {
                spec.setHostname(name + "-" + index);
            }
            addIndexEnv(spec.getInitContainers());
            addIndexEnv(spec.getContainers());
        }
        Pod pod = new Pod();
        pod.setApiVersion("v1");
        pod.setKind("Pod");
        pod.setMetadata(meta);
        pod.setSpec(spec);
        return pod;
    }

    private static void addIndexEnv(List<Container> containers) {
        for (Container c : nz(containers)) {
            List<EnvVar> env = c.getEnv() == null ? new ArrayList<>() : new ArrayList<>(c.getEnv());
            if (env.stream().noneMatch(e -> COMPLETION_INDEX_ENV.equals(e.getName()))) {
                env.add(new EnvVarBuilder().withName(COMPLETION_INDEX_ENV).withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.annotations['" + COMPLETION_INDEX + "']").endFieldRef()
                        .endValueFrom().build());
            }
            c.setEnv(env);
        }
    }

    static Map<String, String> nz(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    static <T> List<T> nz(List<T> l) {
        return l == null ? List.of() : l;
    }
}
