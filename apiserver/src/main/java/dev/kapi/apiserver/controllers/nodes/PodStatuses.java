package dev.kapi.apiserver.controllers.nodes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodStatus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The pod statuses a kubelet writes, for containers that run no process (kwok's {@code pod-ready} and
 * {@code pod-complete} stages, with the kubelet's conditions): {@link #running} once the pod started (every
 * container running, started and ready at once; init containers Completed, sidecars running; an ephemeral
 * container running from the first status written after it was added, never ready), {@link #succeeded}
 * when a Job's pod is done (containers terminated Completed, exit code 0, Ready False PodCompleted). The qosClass,
 * other writers' conditions and the PodScheduled condition are kept. Ready follows kube's readiness gates: True
 * only when every gate's condition, set by another writer, is True.
 */
final class PodStatuses {

    private PodStatuses() {
    }

    /** The status of the started pod; {@code podIp} is the host's for a hostNetwork pod. */
    static PodStatus running(Pod pod, String hostIp, String podIp, Instant now) {
        PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        String at = now.toString();
        String started = status.getStartTime() != null ? status.getStartTime() : at;
        status.setPhase("Running");
        status.setStartTime(started);
        if (hostIp != null) {
            status.setHostIP(hostIp);
            status.setHostIPs(new ArrayList<>(List.of(new HostIP(hostIp))));
        }
        if (podIp != null) {
            status.setPodIP(podIp);
            status.setPodIPs(new ArrayList<>(List.of(new PodIP(podIp))));
        }
        List<ContainerStatus> init = new ArrayList<>();
        for (Container c : nullToEmpty(pod.getSpec().getInitContainers())) {
            boolean sidecar = "Always".equals(c.getRestartPolicy());
            init.add(containerStatus(pod, c, true, sidecar, sidecar ? new ContainerStateBuilder().withNewRunning()
                    .withStartedAt(started).endRunning().build() : completed(pod, c, started, started)));
        }
        status.setInitContainerStatuses(init);
        List<ContainerStatus> containers = new ArrayList<>();
        for (Container c : nullToEmpty(pod.getSpec().getContainers())) {
            containers.add(containerStatus(pod, c, true, true, new ContainerStateBuilder().withNewRunning()
                    .withStartedAt(started).endRunning().build()));
        }
        status.setContainerStatuses(containers);
        status.setEphemeralContainerStatuses(ephemeral(pod, status, at));
        List<PodCondition> conditions = new ArrayList<>(nullToEmpty(status.getConditions()));
        set(conditions, "PodReadyToStartContainers", "True", null, null, at);
        set(conditions, "Initialized", "True", null, null, at);
        String gate = unreadyGate(pod, conditions);
        if (gate == null) {
            set(conditions, "Ready", "True", null, null, at);
        } else {
            set(conditions, "Ready", "False", "ReadinessGatesNotReady",
                    "corresponding condition of pod readiness gate \"" + gate + "\" does not exist.", at);
        }
        set(conditions, "ContainersReady", "True", null, null, at);
        if (conditions.stream().noneMatch(c -> "PodScheduled".equals(c.getType()))) {
            set(conditions, "PodScheduled", "True", null, null, at);
        }
        status.setConditions(conditions);
        return status;
    }

    /** The status of a Job's pod whose containers all exited 0 at {@code now}. */
    static PodStatus succeeded(Pod pod, Instant now) {
        PodStatus status = pod.getStatus();
        String at = now.toString();
        String started = status.getStartTime() != null ? status.getStartTime() : at;
        status.setPhase("Succeeded");
        List<ContainerStatus> containers = new ArrayList<>();
        for (Container c : nullToEmpty(pod.getSpec().getContainers())) {
            containers.add(containerStatus(pod, c, false, false, completed(pod, c, started, at)));
        }
        status.setContainerStatuses(containers);
        List<ContainerStatus> init = new ArrayList<>();
        for (ContainerStatus s : nullToEmpty(status.getInitContainerStatuses())) {
            if (s.getState() != null && s.getState().getRunning() != null) { // a sidecar, stopped with the pod
                Container c = pod.getSpec().getInitContainers().stream().filter(i -> i.getName().equals(s.getName()))
                        .findFirst().orElse(null);
                if (c != null) {
                    init.add(containerStatus(pod, c, false, false, completed(pod, c, started, at)));
                    continue;
                }
            }
            init.add(s);
        }
        status.setInitContainerStatuses(init);
        List<PodCondition> conditions = new ArrayList<>(nullToEmpty(status.getConditions()));
        set(conditions, "PodReadyToStartContainers", "False", null, null, at);
        set(conditions, "Ready", "False", "PodCompleted", null, at);
        set(conditions, "ContainersReady", "False", "PodCompleted", null, at);
        status.setConditions(conditions);
        return status;
    }

    /**
     * The statuses of the pod's ephemeral containers: the one it has for each, else running since {@code at}; never
     * ready, and without {@code started}, which a kubelet sets only for the containers it probes.
     */
    private static List<ContainerStatus> ephemeral(Pod pod, PodStatus status, String at) {
        List<ContainerStatus> statuses = new ArrayList<>();
        for (EphemeralContainer c : nullToEmpty(pod.getSpec().getEphemeralContainers())) {
            ContainerStatus known = nullToEmpty(status.getEphemeralContainerStatuses()).stream()
                    .filter(s -> c.getName().equals(s.getName())).findFirst().orElse(null);
            statuses.add(known != null ? known : new ContainerStatusBuilder().withName(c.getName())
                    .withImage(c.getImage()).withImageID(imageId(c.getImage()))
                    .withContainerID(containerId(pod, c.getName())).withReady(false).withRestartCount(0)
                    .withState(new ContainerStateBuilder().withNewRunning().withStartedAt(at).endRunning().build())
                    .withNewLastState().endLastState().build());
        }
        return statuses;
    }

    /** The ephemeral containers of the pod that its status does not tell of yet (added since it started). */
    static List<EphemeralContainer> unstartedEphemeral(Pod pod) {
        List<ContainerStatus> known = pod.getStatus() == null ? List.of()
                : nullToEmpty(pod.getStatus().getEphemeralContainerStatuses());
        return nullToEmpty(pod.getSpec().getEphemeralContainers()).stream()
                .filter(c -> known.stream().noneMatch(s -> c.getName().equals(s.getName()))).toList();
    }

    private static ContainerStatus containerStatus(Pod pod, Container c, boolean ready, boolean started,
                                                   ContainerState state) {
        return new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                .withImageID(imageId(c.getImage())).withContainerID(containerId(pod, c)).withReady(ready)
                .withStarted(started).withRestartCount(0).withState(state).withNewLastState().endLastState()
                .build();
    }

    private static ContainerState completed(Pod pod, Container c, String startedAt, String finishedAt) {
        return new ContainerStateBuilder().withNewTerminated().withContainerID(containerId(pod, c)).withExitCode(0)
                .withReason("Completed").withStartedAt(startedAt).withFinishedAt(finishedAt).endTerminated().build();
    }

    /** {@code kapi://<64 hex digits>}, stable for the pod's uid and the container's name. */
    static String containerId(Pod pod, Container c) {
        return containerId(pod, c.getName());
    }

    private static String containerId(Pod pod, String container) {
        return "kapi://" + sha256(pod.getMetadata().getUid() + "/" + container);
    }

    /**
     * The image's repository, fully named as a runtime reports it, pinned to a made-up digest (no registry is
     * asked): {@code nginx:1.27} gives {@code docker.io/library/nginx@sha256:<sha256 of "nginx:1.27">}.
     */
    static String imageId(String image) {
        String ref = image == null ? "" : image;
        String name = ref.contains("@") ? ref.substring(0, ref.indexOf('@')) : ref;
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        if (colon > slash) {
            name = name.substring(0, colon);
        }
        int first = name.indexOf('/');
        String domain = first < 0 ? "" : name.substring(0, first);
        if (first < 0) {
            name = "docker.io/library/" + name;
        } else if (!domain.contains(".") && !domain.contains(":") && !domain.equals("localhost")) {
            name = "docker.io/" + name;
        }
        return name + "@sha256:" + sha256(ref);
    }

    /** Whether every readiness gate of the pod has its condition True in {@code conditions}. */
    static boolean gatesReady(Pod pod, List<PodCondition> conditions) {
        return unreadyGate(pod, conditions) == null;
    }

    /** The first readiness gate whose condition is not True, or null. */
    private static String unreadyGate(Pod pod, List<PodCondition> conditions) {
        for (PodReadinessGate g : nullToEmpty(pod.getSpec().getReadinessGates())) {
            boolean ready = conditions.stream().anyMatch(c -> g.getConditionType().equals(c.getType())
                    && "True".equals(c.getStatus()));
            if (!ready) {
                return g.getConditionType();
            }
        }
        return null;
    }

    /** Sets a condition, its lastTransitionTime moved only when its status changes. */
    private static void set(List<PodCondition> conditions, String type, String status, String reason, String message,
                            String now) {
        for (int i = 0; i < conditions.size(); i++) {
            PodCondition old = conditions.get(i);
            if (type.equals(old.getType())) {
                String transition = status.equals(old.getStatus()) && old.getLastTransitionTime() != null
                        ? old.getLastTransitionTime() : now;
                conditions.set(i, condition(type, status, reason, message, transition));
                return;
            }
        }
        conditions.add(condition(type, status, reason, message, now));
    }

    private static PodCondition condition(String type, String status, String reason, String message, String at) {
        return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(at).build();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
