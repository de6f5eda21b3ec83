package dev.kapi.apiserver.registry.groups.batch;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.registry.Cells;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.core.PodSpecDefaults;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import dev.kapi.apiserver.registry.validation.GoValues;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * batch/v1 cronjobs: defaults (Allow, suspend false, history 3/1, pod template defaults in the job template),
 * schedule and time zone validation with robfig/cron's messages, the job template rules.
 */
public final class CronJobStrategy implements ResourceStrategy<CronJob> {

    private static final Pattern TZ_PART = Pattern.compile("[A-Za-z\\.\\-_0-9+]{1,14}");

    @Override
    public void applyDefaults(CronJob cj) {
        CronJobSpec spec = spec(cj);
        if (spec.getConcurrencyPolicy() == null || spec.getConcurrencyPolicy().isEmpty()) {
            spec.setConcurrencyPolicy("Allow");
        }
        if (spec.getSuspend() == null) {
            spec.setSuspend(false);
        }
        if (spec.getSuccessfulJobsHistoryLimit() == null) {
            spec.setSuccessfulJobsHistoryLimit(3);
        }
        if (spec.getFailedJobsHistoryLimit() == null) {
            spec.setFailedJobsHistoryLimit(1);
        }
        if (spec.getJobTemplate() != null && spec.getJobTemplate().getSpec() != null) {
            PodSpecDefaults.applyTemplate(spec.getJobTemplate().getSpec().getTemplate());
        }
    }

    @Override
    public void prepareForCreate(CronJob cj) {
        if (cj.getStatus() == null) {
            cj.setStatus(new CronJobStatus());
        }
    }

    @Override
    public List<FieldError> validate(CronJob cj) {
        List<FieldError> errs = new ArrayList<>();
        CronJobSpec spec = spec(cj);
        String schedule = spec.getSchedule();
        if (schedule == null || schedule.isEmpty()) {
            errs.add(FieldError.required("spec.schedule", ""));
        } else {
            String err = CronSchedule.parseError(schedule);
            if (err != null) {
                errs.add(FieldError.invalid("spec.schedule", schedule, err));
            }
            if (schedule.contains("TZ")) {
                errs.add(FieldError.invalid("spec.schedule", schedule,
                        "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
            }
        }
        validateTimeZone(spec.getTimeZone(), errs);
        FieldChecks.oneOf(spec.getConcurrencyPolicy(), List.of("Allow", "Forbid", "Replace"),
                "spec.concurrencyPolicy", errs);
        FieldChecks.nonNegative(spec.getStartingDeadlineSeconds(), "spec.startingDeadlineSeconds", errs);
        FieldChecks.nonNegative(spec.getSuccessfulJobsHistoryLimit(), "spec.successfulJobsHistoryLimit", errs);
        FieldChecks.nonNegative(spec.getFailedJobsHistoryLimit(), "spec.failedJobsHistoryLimit", errs);
        JobTemplateSpec jt = spec.getJobTemplate();
        JobSpec js = jt == null || jt.getSpec() == null ? new JobSpec() : jt.getSpec();
        JobSpecChecks.validate(js, "spec.jobTemplate.spec", errs);
        if (js.getSelector() != null) {
            errs.add(FieldError.invalid("spec.jobTemplate.spec.selector", GoValues.labelSelector(js.getSelector()),
                    "`selector` will be auto-generated"));
        }
        if (Boolean.TRUE.equals(js.getManualSelector())) {
            errs.add(FieldError.notSupported("spec.jobTemplate.spec.manualSelector", true, List.of("nil", "false")));
        }
        return errs;
    }

    private static void validateTimeZone(String tz, List<FieldError> errs) {
        if (tz == null) {
            return;
        }
        String path = "spec.timeZone";
        if (tz.isEmpty()) {
            errs.add(FieldError.invalid(path, tz, "timeZone must be nil or non-empty string"));
            return;
        }
        for (String part : tz.split("/", -1)) {
            if (part.equals(".") || part.equals("..") || part.startsWith("-") || !TZ_PART.matcher(part).matches()) {
                errs.add(FieldError.invalid(path, tz, "unknown time zone " + tz));
                return;
            }
        }
        if (tz.equalsIgnoreCase("Local")) {
            errs.add(FieldError.invalid(path, tz,
                    "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
            return;
        }
        if (!tz.equals("UTC") && !ZoneId.getAvailableZoneIds().contains(tz)) {
            errs.add(FieldError.invalid(path, tz, "unknown time zone " + tz));
        }
    }

    @Override
    public List<TableColumn<CronJob>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.",
                        cj -> spec(cj).getSchedule() == null ? "" : spec(cj).getSchedule()),
                TableColumn.of("Timezone", "string",
                        "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.",
                        cj -> spec(cj).getTimeZone() == null ? "<none>" : spec(cj).getTimeZone()),
                TableColumn.of("Suspend", "boolean",
                        "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.",
                        cj -> Cells.boolPtr(spec(cj).getSuspend())),
                TableColumn.of("Active", "integer", "A list of pointers to currently running jobs.",
                        cj -> (long) (status(cj).getActive() == null ? 0 : status(cj).getActive().size())),
                TableColumn.of("Last Schedule", "string",
                        "Information when was the last time the job was successfully scheduled.",
                        cj -> status(cj).getLastScheduleTime() == null ? "<none>"
                                : TableColumn.age(status(cj).getLastScheduleTime())),
                TableColumn.ageColumn(),
                TableColumn.wide("Containers", "string", "Names of each container in the template.",
                        cj -> Cells.containerNames(jobSpec(cj).getTemplate())),
                TableColumn.wide("Images", "string", "Images referenced by each container in the template.",
                        cj -> Cells.images(jobSpec(cj).getTemplate())),
                TableColumn.wide("Selector", "string",
                        "A label query over pods that should match the pod count. Normally, the system sets this field for you.",
                        cj -> LabelSelector.format(jobSpec(cj).getSelector())));
    }

    private static JobSpec jobSpec(CronJob cj) {
        JobTemplateSpec jt = spec(cj).getJobTemplate();
        return jt == null || jt.getSpec() == null ? new JobSpec() : jt.getSpec();
    }

    static CronJobSpec spec(CronJob cj) {
        if (cj.getSpec() == null) {
            cj.setSpec(new CronJobSpec());
        }
        return cj.getSpec();
    }

    static CronJobStatus status(CronJob cj) {
        return cj.getStatus() == null ? new CronJobStatus() : cj.getStatus();
    }
}
