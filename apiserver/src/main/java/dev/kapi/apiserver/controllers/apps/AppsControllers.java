package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.controllers.ControllerContext.Candidate;
import dev.kapi.apiserver.controllers.EventRecorder;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.util.List;
import java.util.stream.Stream;

/**
 * The controllers of kube-controller-manager for the apps group's workloads that Kapi runs: the ReplicaSet
 * controller, the ReplicationController manager (the same logic on core/v1 ReplicationControllers), the
 * Deployment controller, the StatefulSet controller and the DaemonSet controller. They share the manager's informers of pods, ReplicaSets and Deployments, and write
 * as kube's service accounts of the same names.
 */
public final class AppsControllers {

    private AppsControllers() {
    }

    /** The controllers; none when the registry serves not all of their resources (a registry for tests). */
    public static List<Controller> create(ControllerContext context) {
        boolean served = Stream.of("/pods", "/events", "/nodes", "/persistentvolumeclaims", "/replicationcontrollers",
                "apps/replicasets", "apps/deployments", "apps/statefulsets", "apps/daemonsets",
                "apps/controllerrevisions").allMatch(r -> context.stores().lookup(r.substring(0, r.indexOf('/')), "v1",
                r.substring(r.indexOf('/') + 1)).isPresent());
        if (!served) {
            return List.of();
        }
        var informers = context.informers();
        Store<Pod> podStore = informers.store("", "v1", "pods", Pod.class);
        Store<Event> events = informers.store("", "v1", "events", Event.class);
        Store<Deployment> deploymentStore = informers.store("apps", "v1", "deployments", Deployment.class);
        var deploymentUser = SystemUsers.controller("deployment-controller");
        return context.selected(
                new Candidate("replicaset-controller", () -> new ReplicaSetController<>(
                        ReplicaKind.replicaSets(context), pods(context), podStore, context.writes(), events)),
                new Candidate("replicationcontroller-controller", () -> new ReplicaSetController<>(
                        ReplicaKind.replicationControllers(context), pods(context), podStore, context.writes(),
                        events)),
                new Candidate("deployment-controller", () -> new DeploymentController(
                        informers.of("apps", "v1", "deployments", Deployment.class),
                        informers.of("apps", "v1", "replicasets", ReplicaSet.class), pods(context), deploymentStore,
                        new ReplicaSetWrites(informers.store("apps", "v1", "replicasets", ReplicaSet.class),
                                deploymentStore, context.writes(), deploymentUser),
                        EventRecorder.builder(context.writes(), events, deploymentUser, "deployment-controller")
                                .about("apps/v1", "Deployment").build())),
                new Candidate("statefulset-controller", () -> new StatefulSetController(
                        informers.of("apps", "v1", "statefulsets", StatefulSet.class), pods(context),
                        informers.of("apps", "v1", "controllerrevisions", ControllerRevision.class),
                        informers.store("apps", "v1", "statefulsets", StatefulSet.class), podStore,
                        informers.store("apps", "v1", "controllerrevisions", ControllerRevision.class),
                        informers.store("", "v1", "persistentvolumeclaims", PersistentVolumeClaim.class), events,
                        context.writes())),
                new Candidate("daemonset-controller", () -> new DaemonSetController(
                        informers.of("apps", "v1", "daemonsets", DaemonSet.class), pods(context),
                        informers.of("", "v1", "nodes", Node.class),
                        informers.of("apps", "v1", "controllerrevisions", ControllerRevision.class),
                        informers.store("apps", "v1", "daemonsets", DaemonSet.class), podStore,
                        informers.store("apps", "v1", "controllerrevisions", ControllerRevision.class), events,
                        context.writes())));
    }

    private static dev.kapi.apiserver.registry.informer.Informer<Pod> pods(ControllerContext context) {
        return context.informers().of("", "v1", "pods", Pod.class);
    }
}
