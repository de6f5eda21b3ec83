package dev.kapi.apiserver.registry.groups.batch;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.Cells;
import dev.kapi.apiserver.registry.GarbageCollectionPolicy;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.groups.WorkloadChecks;
import dev.kapi.apiserver.registry.validation.GoValues;
import dev.kapi.apiserver.registry.validation.LabelSelectorValidation;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * batch/v1 jobs: defaults, the generated selector ({@code batch.kubernetes.io/controller-uid=<uid>} plus the
 * job-name/controller-uid template labels, legacy ones too) unless {@code manualSelector}, validation,
 * field selector {@code status.successful}.
 */
public final class JobStrategy implements ResourceStrategy<Job> {

    static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
    static final String JOB_NAME = "batch.kubernetes.io/job-name";
    static final String LEGACY_CONTROLLER_UID = "controller-uid";
    static final String LEGACY_JOB_NAME = "job-name";

    /** kube's Delete and DeleteCollection of jobs warn when the request leaves the pods to the default. */
    static final String DELETE_WARNING = "child pods are preserved by default when jobs are deleted; "
            + "set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning";

    /** batch/v1 keeps the orphaning default of its clients before server-side cascading, as kube's does. */
    @Override
    public GarbageCollectionPolicy defaultGarbageCollectionPolicy() {
        return GarbageCollectionPolicy.ORPHAN_DEPENDENTS;
    }

    @Override
    public String defaultPropagationWarning() {
        return DELETE_WARNING;
    }

    @Override
    public void applyDefaults(Job job) {
        JobSpecChecks.jobDefaults(spec(job));
        copyTemplateLabelsIfUnlabelled(job);
    }

    /** As kube's defaulting: a job without labels takes its pod template's labels. */
    private static void copyTemplateLabelsIfUnlabelled(Job job) {
        PodTemplateSpec t = spec(job).getTemplate();
        Map<String, String> templateLabels = t == null || t.getMetadata() == null ? null : t.getMetadata().getLabels();
        if (job.getMetadata() == null) {
            job.setMetadata(new ObjectMeta());
        }
        Map<String, String> labels = job.getMetadata().getLabels();
        if (templateLabels != null && !templateLabels.isEmpty() && (labels == null || labels.isEmpty())) {
            job.getMetadata().setLabels(new LinkedHashMap<>(templateLabels));
        }
    }

    @Override
    public void prepareForCreate(Job job) {
        if (!Boolean.TRUE.equals(spec(job).getManualSelector())) {
            generateSelector(job);
        }
        copyTemplateLabelsIfUnlabelled(job);
    }

    private static void generateSelector(Job job) {
        String uid = job.getMetadata().getUid() == null ? "" : job.getMetadata().getUid();
        String name = job.getMetadata().getName() == null ? "" : job.getMetadata().getName();
        JobSpec spec = spec(job);
        if (spec.getTemplate() == null) {
            spec.setTemplate(new PodTemplateSpec());
        }
        if (spec.getTemplate().getMetadata() == null) {
            spec.getTemplate().setMetadata(new ObjectMeta());
        }
        ObjectMeta tm = spec.getTemplate().getMetadata();
        Map<String, String> labels = tm.getLabels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(tm.getLabels());
        labels.putIfAbsent(LEGACY_JOB_NAME, name);
        labels.putIfAbsent(JOB_NAME, name);
        labels.putIfAbsent(LEGACY_CONTROLLER_UID, uid);
        labels.putIfAbsent(CONTROLLER_UID, uid);
        tm.setLabels(labels);
        if (spec.getSelector() == null) {
            spec.setSelector(new LabelSelector());
        }
        Map<String, String> match = spec.getSelector().getMatchLabels() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(spec.getSelector().getMatchLabels());
        match.putIfAbsent(CONTROLLER_UID, uid);
        spec.getSelector().setMatchLabels(match);
    }

    @Override
    public List<FieldError> validate(Job job) {
        List<FieldError> errs = new ArrayList<>();
        JobSpec spec = spec(job);
        if (spec.getSelector() == null) {
            errs.add(FieldError.required("spec.selector", ""));
        } else {
            errs.addAll(LabelSelectorValidation.validate(spec.getSelector(), "spec.selector"));
        }
        WorkloadChecks.templateMatches(spec.getSelector(), spec.getTemplate(), errs);
        JobSpecChecks.validate(spec, "spec", errs);
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(Job job, Job old) {
        List<FieldError> errs = validate(job);
        JobSpec s = spec(job);
        JobSpec o = spec(old);
        WorkloadChecks.selectorImmutable(s.getSelector(), o.getSelector(), errs);
        if (!Objects.equals(s.getCompletionMode(), o.getCompletionMode())) {
            errs.add(FieldError.invalid("spec.completionMode", s.getCompletionMode(), "field is immutable"));
        }
        boolean neverStartedSuspended = Boolean.TRUE.equals(o.getSuspend())
                && (old.getStatus() == null || old.getStatus().getStartTime() == null);
        if (!neverStartedSuspended && !Json.sameJson(s.getTemplate(), o.getTemplate())) {
            errs.add(FieldError.invalid("spec.template", new GoValues.Printed("core.PodTemplateSpec{...}"),
                    "field is immutable"));
        }
        return errs;
    }

    @Override
    public Map<String, String> selectableFields(Job job) {
        return Map.of("status.successful", String.valueOf(Cells.count(status(job).getSucceeded())));
    }

    @Override
    public List<TableColumn<Job>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Status", "string", "Status of the job.", JobStrategy::statusCell),
                TableColumn.of("Completions", "string",
                        "The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.",
                        JobStrategy::completions),
                TableColumn.of("Duration", "string", "Time required to complete the job.", JobStrategy::duration),
                TableColumn.ageColumn(),
                TableColumn.wide("Containers", "string", "Names of each container in the template.",
                        j -> Cells.containerNames(spec(j).getTemplate())),
                TableColumn.wide("Images", "string", "Images referenced by each container in the template.",
                        j -> Cells.images(spec(j).getTemplate())),
                TableColumn.wide("Selector", "string",
                        "A label query over pods that should match the pod count. Normally, the system sets this field for you.",
                        j -> dev.kapi.apiserver.api.selection.LabelSelector.format(spec(j).getSelector())));
    }

    static String completions(Job job) {
        long succeeded = Cells.count(status(job).getSucceeded());
        JobSpec spec = spec(job);
        if (spec.getCompletions() != null) {
            return succeeded + "/" + spec.getCompletions();
        }
        int parallelism = spec.getParallelism() == null ? 0 : spec.getParallelism();
        return parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
    }

    static String duration(Job job) {
        JobStatus st = status(job);
        if (st.getStartTime() == null) {
            return "";
        }
        Instant start = Instant.parse(st.getStartTime());
        Instant end = st.getCompletionTime() == null ? Instant.now() : Instant.parse(st.getCompletionTime());
        return TableColumn.humanDuration(Duration.between(start, end));
    }

    static String statusCell(Job job) {
        List<JobCondition> conds = status(job).getConditions();
        if (hasCondition(conds, "Complete")) {
            return "Complete";
        }
        if (hasCondition(conds, "Failed")) {
            return "Failed";
        }
        if (job.getMetadata() != null && job.getMetadata().getDeletionTimestamp() != null) {
            return "Terminating";
        }
        if (hasCondition(conds, "Suspended")) {
            return "Suspended";
        }
        if (hasCondition(conds, "FailureTarget")) {
            return "FailureTarget";
        }
        return "Running";
    }

    private static boolean hasCondition(List<JobCondition> conds, String type) {
        if (conds == null) {
            return false;
        }
        for (JobCondition c : conds) {
            if (type.equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    static JobSpec spec(Job job) {
        if (job.getSpec() == null) {
            job.setSpec(new JobSpec());
        }
        return job.getSpec();
    }

    static JobStatus status(Job job) {
        return job.getStatus() == null ? new JobStatus() : job.getStatus();
    }
}
