package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.util.List;

/**
 * The controllers of kube-controller-manager for the apps group's workloads that Kapi runs: the ReplicaSet
 * controller, the ReplicationController manager (the same logic on core/v1 ReplicationControllers) and the
 * Deployment controller. They share the manager's informers of pods, ReplicaSets and Deployments.
 */
public final class AppsControllers {

    private AppsControllers() {
    }

    public static List<Controller> create(ControllerContext context) {
        var pods = context.informers().of("", "v1", "pods", Pod.class);
        var podStore = context.informers().store("", "v1", "pods", Pod.class);
        return List.of(
                new ReplicaSetController<>(ReplicaKind.replicaSets(context), pods, podStore, context.writes()),
                new ReplicaSetController<>(ReplicaKind.replicationControllers(context), pods, podStore,
                        context.writes()),
                new DeploymentController(context.informers().of("apps", "v1", "deployments", Deployment.class),
                        context.informers().of("apps", "v1", "replicasets", ReplicaSet.class), pods,
                        context.informers().store("apps", "v1", "deployments", Deployment.class),
                        new ReplicaSetWrites(context.informers().store("apps", "v1", "replicasets", ReplicaSet.class),
                                context.informers().store("apps", "v1", "deployments", Deployment.class),
                                context.writes(), SystemUsers.controller("deployment-controller"))));
    }
}
