package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.controllers.ControllerContext.Candidate;
import dev.kapi.apiserver.controllers.SharedInformers;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.events.v1.Event;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * kube-scheduler, run inside the server as one more controller ({@link Scheduler}, named "kube-scheduler"),
 * writing as kube's scheduler identity {@code system:kube-scheduler} (managedFields manager
 * {@code kube-scheduler}).
 */
public final class SchedulerControllers {

    /** kube-scheduler's user: {@code system:kube-scheduler}, authenticated, a uid of this process. */
    public static final UserInfo USER = new UserInfo("system:kube-scheduler", UUID.randomUUID().toString(),
            List.of("system:authenticated"), Map.of());
    /** kube-scheduler's managedFields manager (its User-Agent's name). */
    static final String MANAGER = "kube-scheduler";

    private SchedulerControllers() {
    }

    public static List<Controller> create(ControllerContext context) {
        SharedInformers informers = context.informers();
        SchedulingRecorder recorder = new SchedulingRecorder(context.writes(), informers.store("", "v1", "pods",
                Pod.class), informers.store("events.k8s.io", "v1", "events", Event.class));
        return context.selected(new Candidate("kube-scheduler", () -> new Scheduler(informers.of("", "v1", "pods", Pod.class),
                informers.of("", "v1", "nodes", Node.class), informers.of("", "v1", "namespaces", Namespace.class),
                new SpreadSelectors(informers.of("", "v1", "services", Service.class),
                        informers.of("", "v1", "replicationcontrollers", ReplicationController.class),
                        informers.of("apps", "v1", "replicasets", ReplicaSet.class),
                        informers.of("apps", "v1", "statefulsets", StatefulSet.class)),
                informers.store("", "v1", "pods", Pod.class), context.writes(), recorder)));
    }
}
