package dev.kapi.apiserver.controllers.batch;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The conditions of a Job's status as kube's job controller writes them (types, reasons and messages a client
 * reads: {@code kubectl wait --for=condition=complete}, the Status column). Since kube 1.31 a job that met its
 * success or failure criteria first gets {@code SuccessCriteriaMet} or {@code FailureTarget}, and
 * {@code Complete} or {@code Failed} (same reason and message) once its pods are all gone.
 */
final class JobConditions {

    static final String COMPLETE = "Complete";
    static final String FAILED = "Failed";
    static final String SUCCESS_CRITERIA_MET = "SuccessCriteriaMet";
    static final String FAILURE_TARGET = "FailureTarget";
    static final String SUSPENDED = "Suspended";

    /** A condition a job is to have: type, reason, message. */
    record Target(String type, String reason, String message) {
    }

    static final Target COMPLETIONS_REACHED = new Target(SUCCESS_CRITERIA_MET, "CompletionsReached",
            "Reached expected number of succeeded pods");
    static final Target BACKOFF_LIMIT_EXCEEDED = new Target(FAILURE_TARGET, "BackoffLimitExceeded",
            "Job has reached the specified backoff limit");
    static final Target DEADLINE_EXCEEDED = new Target(FAILURE_TARGET, "DeadlineExceeded",
            "Job was active longer than specified deadline");

    private JobConditions() {
    }

    static JobCondition find(JobStatus status, String type) {
        if (status == null || status.getConditions() == null) {
            return null;
        }
        for (JobCondition c : status.getConditions()) {
            if (type.equals(c.getType())) {
                return c;
            }
        }
        return null;
    }

    static boolean isTrue(JobStatus status, String type) {
        JobCondition c = find(status, type);
        return c != null && "True".equals(c.getStatus());
    }

    /** Complete or Failed: kube's {@code IsJobFinished}. */
    static boolean finished(Job job) {
        return isTrue(job.getStatus(), COMPLETE) || isTrue(job.getStatus(), FAILED);
    }

    /** The interim condition the job already has (SuccessCriteriaMet or FailureTarget), or null. */
    static Target interim(JobStatus status) {
        for (String type : List.of(FAILURE_TARGET, SUCCESS_CRITERIA_MET)) {
            JobCondition c = find(status, type);
            if (c != null && "True".equals(c.getStatus())) {
                return new Target(type, c.getReason(), c.getMessage());
            }
        }
        return null;
    }

    /** The final condition that follows an interim one: Complete after SuccessCriteriaMet, else Failed. */
    static Target terminal(Target interim) {
        return new Target(SUCCESS_CRITERIA_MET.equals(interim.type()) ? COMPLETE : FAILED, interim.reason(),
                interim.message());
    }

    /**
     * Sets condition {@code type} to {@code status} with the reason and message (kube's
     * {@code ensureJobConditionStatus}): lastTransitionTime changes only when the status does; a False
     * condition the job does not have is not added. Returns whether anything changed.
     */
    static boolean set(JobStatus st, Target t, String status, Instant now) {
        if (st.getConditions() == null) {
            st.setConditions(new ArrayList<>());
        }
        JobCondition c = find(st, t.type());
        String time = Owners.time(now);
        if (c == null) {
            if (!"True".equals(status)) {
                return false;
            }
            c = new JobCondition(time, time, t.message(), t.reason(), status, t.type());
            st.getConditions().add(c);
            return true;
        }
        if (status.equals(c.getStatus()) && t.reason().equals(c.getReason()) && t.message().equals(c.getMessage())) {
            return false;
        }
        if (!status.equals(c.getStatus())) {
            c.setLastTransitionTime(time);
        }
        c.setStatus(status);
        c.setReason(t.reason());
        c.setMessage(t.message());
        c.setLastProbeTime(time);
        return true;
    }
}
