package dev.kapi.apiserver.endpoints.decoding;

import java.util.HashMap;
import java.util.Map;

/**
 * The fields whose Go type is {@code metav1.Time} or {@code metav1.MicroTime}, which fabric8 models as plain
 * strings (or {@code ZonedDateTime}): kube parses them while decoding, so a malformed timestamp is a 400
 * there. Keyed like the patch-strategy table ({@code registry.schema.PatchStrategies}), by the simple name of
 * the fabric8 class declaring the field.
 */
final class TimeFields {

    /** "Class.field" → true for MicroTime, false for Time. */
    private static final Map<String, Boolean> FIELDS = new HashMap<>();

    private static void time(String... fields) {
        for (String f : fields) {
            FIELDS.put(f, false);
        }
    }

    private static void microTime(String... fields) {
        for (String f : fields) {
            FIELDS.put(f, true);
        }
    }

    static {
        // meta/v1
        time("ObjectMeta.creationTimestamp", "ObjectMeta.deletionTimestamp", "ManagedFieldsEntry.time",
                "Condition.lastTransitionTime");
        // core/v1
        time("ContainerStateRunning.startedAt", "ContainerStateTerminated.startedAt",
                "ContainerStateTerminated.finishedAt", "PodStatus.startTime", "PodCondition.lastProbeTime",
                "PodCondition.lastTransitionTime", "NodeCondition.lastHeartbeatTime",
                "NodeCondition.lastTransitionTime", "NamespaceCondition.lastTransitionTime",
                "PersistentVolumeClaimCondition.lastProbeTime", "PersistentVolumeClaimCondition.lastTransitionTime",
                "PersistentVolumeStatus.lastPhaseTransitionTime", "ReplicationControllerCondition.lastTransitionTime",
                "Taint.timeAdded", "PreferAvoidPodsEntry.evictionTime", "PodLogOptions.sinceTime",
                "Event.firstTimestamp", "Event.lastTimestamp", "Event.deprecatedFirstTimestamp",
                "Event.deprecatedLastTimestamp");
        microTime("Event.eventTime", "EventSeries.lastObservedTime");
        // apps/v1, batch/v1, autoscaling
        time("DeploymentCondition.lastTransitionTime", "DeploymentCondition.lastUpdateTime",
                "ReplicaSetCondition.lastTransitionTime", "StatefulSetCondition.lastTransitionTime",
                "DaemonSetCondition.lastTransitionTime", "JobCondition.lastProbeTime",
                "JobCondition.lastTransitionTime", "JobStatus.startTime", "JobStatus.completionTime",
                "CronJobStatus.lastScheduleTime", "CronJobStatus.lastSuccessfulTime",
                "HorizontalPodAutoscalerCondition.lastTransitionTime", "HorizontalPodAutoscalerStatus.lastScaleTime");
        // coordination, storage, certificates, authentication, apiextensions
        microTime("LeaseSpec.acquireTime", "LeaseSpec.renewTime", "LeaseCandidateSpec.pingTime",
                "LeaseCandidateSpec.renewTime");
        time("VolumeError.time", "CertificateSigningRequestCondition.lastTransitionTime",
                "CertificateSigningRequestCondition.lastUpdateTime", "TokenRequestStatus.expirationTimestamp",
                "CustomResourceDefinitionCondition.lastTransitionTime", "APIServiceCondition.lastTransitionTime");
    }

    private TimeFields() {
    }

    /** Whether the property {@code name} of {@code type} is a MicroTime (true), a Time (false), or neither (null). */
    static Boolean micro(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            Boolean micro = FIELDS.get(c.getSimpleName() + "." + name);
            if (micro != null) {
                return micro;
            }
        }
        return null;
    }
}
