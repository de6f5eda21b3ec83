package dev.kapi.apiserver.registry.groups.batch;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.core.PodSpecDefaults;
import dev.kapi.apiserver.registry.core.PodSpecValidation;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

import java.util.List;

/** What jobs and cronjobs' job templates share: batch/v1 job spec defaults and checks. */
final class JobSpecChecks {

    private JobSpecChecks() {
    }

    /** kube's {@code SetDefaults_Job} on the spec: completions/parallelism 1, backoffLimit 6, NonIndexed, ... */
    static void jobDefaults(JobSpec spec) {
        if (spec.getCompletions() == null && spec.getParallelism() == null) {
            spec.setCompletions(1);
            spec.setParallelism(1);
        }
        if (spec.getParallelism() == null) {
            spec.setParallelism(1);
        }
        if (spec.getBackoffLimit() == null) {
            spec.setBackoffLimit(spec.getBackoffLimitPerIndex() != null ? Integer.MAX_VALUE : 6);
        }
        if (spec.getCompletionMode() == null || spec.getCompletionMode().isEmpty()) {
            spec.setCompletionMode("NonIndexed");
        }
        if (spec.getSuspend() == null) {
            spec.setSuspend(false);
        }
        if (spec.getPodReplacementPolicy() == null || spec.getPodReplacementPolicy().isEmpty()) {
            spec.setPodReplacementPolicy(spec.getPodFailurePolicy() != null ? "Failed" : "TerminatingOrFailed");
        }
        PodSpecDefaults.applyTemplate(spec.getTemplate());
    }

    /** kube's {@code validateJobSpec} without the selector rules; {@code p} is the spec's path. */
    static void validate(JobSpec spec, String p, List<FieldError> errs) {
        FieldChecks.nonNegative(spec.getParallelism(), p + ".parallelism", errs);
        FieldChecks.nonNegative(spec.getCompletions(), p + ".completions", errs);
        FieldChecks.nonNegative(spec.getActiveDeadlineSeconds(), p + ".activeDeadlineSeconds", errs);
        FieldChecks.nonNegative(spec.getBackoffLimit(), p + ".backoffLimit", errs);
        FieldChecks.nonNegative(spec.getTtlSecondsAfterFinished(), p + ".ttlSecondsAfterFinished", errs);
        FieldChecks.oneOf(spec.getCompletionMode(), List.of("NonIndexed", "Indexed"), p + ".completionMode", errs);
        if ("Indexed".equals(spec.getCompletionMode()) && spec.getCompletions() == null) {
            errs.add(FieldError.required(p + ".completions", "when completion mode is Indexed"));
        }
        FieldChecks.oneOf(spec.getPodReplacementPolicy(), List.of("TerminatingOrFailed", "Failed"),
                p + ".podReplacementPolicy", errs);
        PodTemplateSpec template = spec.getTemplate();
        errs.addAll(PodSpecValidation.validateTemplate(template, p + ".template"));
        String restart = template == null || template.getSpec() == null ? null : template.getSpec().getRestartPolicy();
        if (!"OnFailure".equals(restart) && !"Never".equals(restart)) {
            errs.add(FieldError.notSupported(p + ".template.spec.restartPolicy", restart == null ? "" : restart,
                    List.of("OnFailure", "Never")));
        }
    }
}
