package dev.kapi.apiserver.registry.groups.batch;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BatchStrategiesTest {

    private final JobStrategy jobs = new JobStrategy();
    private final CronJobStrategy cronJobs = new CronJobStrategy();

    static Job job(String restartPolicy) {
        return new JobBuilder().withNewMetadata().withName("pi").withNamespace("default").withUid("u-1").endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy(restartPolicy)
                .addNewContainer().withName("pi").withImage("perl:5.34").endContainer().endSpec().endTemplate()
                .endSpec().build();
    }

    @Test
    void jobDefaultsAndGeneratedSelector() {
        Job job = job("Never");
        jobs.applyDefaults(job);
        jobs.prepareForCreate(job);
        var spec = job.getSpec();
        assertThat(spec.getCompletions()).isEqualTo(1);
        assertThat(spec.getParallelism()).isEqualTo(1);
        assertThat(spec.getBackoffLimit()).isEqualTo(6);
        assertThat(spec.getCompletionMode()).isEqualTo("NonIndexed");
        assertThat(spec.getSuspend()).isFalse();
        assertThat(spec.getPodReplacementPolicy()).isEqualTo("TerminatingOrFailed");
        assertThat(spec.getSelector().getMatchLabels()).containsExactly(Map.entry(JobStrategy.CONTROLLER_UID, "u-1"));
        Map<String, String> expected = Map.of("batch.kubernetes.io/controller-uid", "u-1",
                "batch.kubernetes.io/job-name", "pi", "controller-uid", "u-1", "job-name", "pi");
        assertThat(spec.getTemplate().getMetadata().getLabels()).isEqualTo(expected);
        assertThat(job.getMetadata().getLabels()).isEqualTo(expected);
        assertThat(jobs.validate(job)).isEmpty();
        assertThat(jobs.selectableFields(job)).containsEntry("status.successful", "0");
    }

    @Test
    void parallelismAloneLeavesCompletionsUnset() {
        Job job = job("Never");
        job.getSpec().setParallelism(3);
        jobs.applyDefaults(job);
        assertThat(job.getSpec().getCompletions()).isNull();
        assertThat(JobStrategy.completions(job)).isEqualTo("0/1 of 3");
    }

    @Test
    void jobRestartPolicyMustBeOnFailureOrNever() {
        Job job = job(null);
        jobs.applyDefaults(job);
        jobs.prepareForCreate(job);
        assertThat(jobs.validate(job)).map(FieldError::toString).containsExactly(
                "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"");
    }

    @Test
    void manualSelectorMustMatchTemplate() {
        Job job = job("OnFailure");
        job.getSpec().setManualSelector(true);
        jobs.applyDefaults(job);
        jobs.prepareForCreate(job);
        assertThat(jobs.validate(job)).map(FieldError::toString).containsExactly(
                "spec.selector: Required value",
                "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match "
                        + "template `labels`");
    }

    @Test
    void jobUpdateKeepsSelectorAndTemplate() {
        Job old = job("Never");
        jobs.applyDefaults(old);
        jobs.prepareForCreate(old);
        Job changed = new JobBuilder(old).build();
        changed.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("perl:5.36");
        assertThat(jobs.validateUpdate(changed, old)).map(FieldError::toString).containsExactly(
                "spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable");
        assertThat(jobs.validateUpdate(new JobBuilder(old).build(), old)).isEmpty();
        Job suspendedOld = new JobBuilder(old).editSpec().withSuspend(true).endSpec().build();
        Job suspendedNew = new JobBuilder(changed).editSpec().withSuspend(true).endSpec().build();
        assertThat(jobs.validateUpdate(suspendedNew, suspendedOld)).isEmpty();
    }

    @Test
    void aTemplateRestatingZerosGoLeavesOutIsUnchanged() {
        // kubectl apply of the same manifest sends hostNetwork: false and hostPort: 0 again; the stored template has
        // them left out (Go's omitempty), as kube's has: not a change of the immutable template
        Job sent = dev.kapi.apiserver.api.Json.read("""
                {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"pi","namespace":"default","uid":"u-1"},
                 "spec":{"template":{"spec":{"restartPolicy":"Never","hostNetwork":false,"containers":[{"name":"pi",
                  "image":"perl:5.34","tty":false,"ports":[{"containerPort":80,"hostPort":0}]}]}}}}""".getBytes(),
                Job.class);
        jobs.applyDefaults(sent);
        jobs.prepareForCreate(sent);
        Job stored = dev.kapi.apiserver.api.Json.read(dev.kapi.apiserver.api.Json.bytes(sent), Job.class);
        assertThat(stored.getSpec().getTemplate().getSpec().getHostNetwork()).isNull();
        assertThat(jobs.validateUpdate(sent, stored)).isEmpty();
    }

    @Test
    void jobTableCells() {
        Job job = new JobBuilder(job("Never")).withNewStatus().withSucceeded(1)
                .withStartTime("2024-01-01T00:00:00Z").withCompletionTime("2024-01-01T00:00:07Z")
                .addNewCondition().withType("Complete").withStatus("True").endCondition().endStatus().build();
        jobs.applyDefaults(job);
        assertThat(jobs.tableColumns()).extracting("name").containsExactly("Name", "Status", "Completions",
                "Duration", "Age", "Containers", "Images", "Selector");
        List<Object> cells = jobs.tableColumns().stream().map(c -> c.cell().apply(job)).toList();
        assertThat(cells.subList(0, 4)).containsExactly("pi", "Complete", "1/1", "7s");
        assertThat(cells.subList(5, 8)).containsExactly("pi", "perl:5.34", "<none>");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "*/5 * * * *|",
            "0 0 * * sun|",
            "@hourly|",
            "@every 1h30m|",
            "0 9-17/2 1,15 jan-jun mon-fri|",
            "foo|expected exactly 5 fields, found 1: [foo]",
            "* * * *|expected exactly 5 fields, found 4: [* * * *]",
            "60 * * * *|end of range (60) above maximum (59): 60",
            "* * 0 * *|beginning of range (0) below minimum (1): 0",
            "5-1 * * * *|beginning of range (5) beyond end of range (1): 5-1",
            "x * * * *|failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax",
            "*/0 * * * *|step of range should be a positive number: */0",
            "@fortnightly|unrecognized descriptor: @fortnightly",
            "* * * * 7|end of range (7) above maximum (6): 7"})
    void cronScheduleErrors(String schedule, String error) {
        assertThat(CronSchedule.parseError(schedule)).isEqualTo(error);
    }

    static CronJob cronJob(String schedule) {
        return new CronJobBuilder().withNewMetadata().withName("tick").endMetadata().withNewSpec()
                .withSchedule(schedule).withNewJobTemplate().withNewSpec().withNewTemplate().withNewSpec()
                .withRestartPolicy("OnFailure").addNewContainer().withName("c").withImage("busybox").endContainer()
                .endSpec().endTemplate().endSpec().endJobTemplate().endSpec().build();
    }

    @Test
    void cronJobDefaultsAndTable() {
        CronJob cj = cronJob("*/1 * * * *");
        cronJobs.applyDefaults(cj);
        cronJobs.prepareForCreate(cj);
        assertThat(cronJobs.validate(cj)).isEmpty();
        assertThat(cj.getSpec().getConcurrencyPolicy()).isEqualTo("Allow");
        assertThat(cj.getSpec().getSuspend()).isFalse();
        assertThat(cj.getSpec().getSuccessfulJobsHistoryLimit()).isEqualTo(3);
        assertThat(cj.getSpec().getFailedJobsHistoryLimit()).isEqualTo(1);
        assertThat(cj.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getDnsPolicy())
                .isEqualTo("ClusterFirst");
        assertThat(cj.getSpec().getJobTemplate().getSpec().getBackoffLimit()).isNull();
        List<Object> cells = cronJobs.tableColumns().stream().map(c -> c.cell().apply(cj)).toList();
        assertThat(cronJobs.tableColumns()).extracting("name").containsExactly("Name", "Schedule", "Timezone",
                "Suspend", "Active", "Last Schedule", "Age", "Containers", "Images", "Selector");
        assertThat(cells.subList(0, 6)).containsExactly("tick", "*/1 * * * *", "<none>", "False", 0L, "<none>");
    }

    @Test
    void cronJobValidationMessages() {
        CronJob missing = cronJob(null);
        cronJobs.applyDefaults(missing);
        assertThat(cronJobs.validate(missing)).map(FieldError::toString).containsExactly("spec.schedule: Required value");

        CronJob bad = cronJob("61 * * * *");
        bad.getSpec().setTimeZone("Mars/Olympus");
        bad.getSpec().setConcurrencyPolicy("Sometimes");
        cronJobs.applyDefaults(bad);
        assertThat(cronJobs.validate(bad)).map(FieldError::toString).containsExactly(
                "spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61",
                "spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus",
                "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"");

        CronJob tz = cronJob("CRON_TZ=UTC 0 * * * *");
        cronJobs.applyDefaults(tz);
        assertThat(cronJobs.validate(tz)).map(FieldError::toString).containsExactly(
                "spec.schedule: Invalid value: \"CRON_TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, "
                        + "use timeZone field instead");

        CronJob always = cronJob("@daily");
        always.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().setRestartPolicy("Always");
        always.getSpec().setTimeZone("Europe/Paris");
        assertThat(cronJobs.validate(always)).map(FieldError::toString).containsExactly(
                "spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: "
                        + "\"OnFailure\", \"Never\"");
    }
}
