package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Garbage collection with kubectl (v1.32) and raw HTTP against the packaged server: {@code kubectl delete
 * deployment} removes the ReplicaSets and Pods it owns (a paused Deployment, a ReplicaSet made here with its
 * ownerReference, and the pod the ReplicaSet controller makes for it), {@code --cascade=foreground} keeps the deployment until its blocking dependents are gone,
 * {@code --cascade=orphan} leaves them without the reference; DELETE's options are validated and answered as
 * kube-apiserver answers them (the jobs' warning, 202 for {@code orphanDependents=false}).
 */
@ExtendWith(KapiServerExtension.class)
class GarbageCollectionIT {

    private static final Kubectl KUBECTL = Kubectl.named("kubectl");
    private static final String NS = "e2e-gc";

    private static Result ok(String... args) {
        Result r = KUBECTL.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    @BeforeAll
    static void namespace() {
        KubeHttp.createNamespace(NS);
    }

    /**
     * A Deployment, a ReplicaSet it controls and the Pod the ReplicaSet controller makes; the pod's finalizers. The
     * Deployment is paused, so that its controller (running on this server) makes no ReplicaSet of its own and
     * keeps this one, its only active one, at its one replica: unpaused, it would roll this foreign ReplicaSet
     * out, scaling it and its pod away while the test looks.
     */
    private static String[] deploymentWithDependents(String name, String podFinalizer) {
        Reply deployment = KubeHttp.post("/apis/apps/v1/namespaces/" + NS + "/deployments", """
                {"metadata":{"name":"%s","labels":{"app":"%s"}},"spec":{"replicas":1,"paused":true,
                "selector":{"matchLabels":{"app":"%s"}},"template":{"metadata":{"labels":{"app":"%s"}},
                "spec":{"containers":[{"name":"nginx","image":"nginx"}]}}}}""".formatted(name, name, name, name));
        assertThat(deployment.code()).as(deployment.body()).isEqualTo(201);
        String deployUid = ok("get", "deployment", name, "-n", NS, "-o", "jsonpath={.metadata.uid}").out().trim();
        String rs = name + "-1";
        Reply created = KubeHttp.post("/apis/apps/v1/namespaces/" + NS + "/replicasets", """
                {"metadata":{"name":"%s","labels":{"app":"%s"},"ownerReferences":[{"apiVersion":"apps/v1",
                "kind":"Deployment","name":"%s","uid":"%s","controller":true,"blockOwnerDeletion":true}]},
                "spec":{"selector":{"matchLabels":{"app":"%s"}},"template":{"metadata":{"labels":{"app":"%s"}},
                "spec":{"containers":[{"name":"nginx","image":"nginx"}]}}}}"""
                .formatted(rs, name, name, deployUid, name, name));
        assertThat(created.code()).as(created.body()).isEqualTo(201);
        String rsUid = created.json().path("metadata").path("uid").asString();
        // the ReplicaSet controller makes the one pod (a pod made here beside it raced it: one was scaled away)
        String pod = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> podOwnedBy(name, rsUid), n -> n != null);
        if (podFinalizer != null) {
            Reply held = KubeHttp.patch("/api/v1/namespaces/" + NS + "/pods/" + pod, "application/merge-patch+json",
                    "{\"metadata\":{\"finalizers\":[\"" + podFinalizer + "\"]}}");
            assertThat(held.code()).as(held.body()).isEqualTo(200);
        }
        return new String[] {rs, pod};
    }

    /** The name of a pod labelled {@code app=<app>}, not being deleted, that the ReplicaSet {@code rsUid} controls, or null. */
    private static String podOwnedBy(String app, String rsUid) {
        for (JsonNode pod : KubeHttp.get("/api/v1/namespaces/" + NS + "/pods?labelSelector=app%3D" + app).json()
                .path("items")) {
            if (pod.path("metadata").has("deletionTimestamp")) {
                continue;
            }
            for (JsonNode owner : pod.path("metadata").path("ownerReferences")) {
                if (rsUid.equals(owner.path("uid").asString()) && owner.path("controller").asBoolean()) {
                    return pod.path("metadata").path("name").asString();
                }
            }
        }
        return null;
    }

    @Test
    void kubectlDeleteDeploymentRemovesItsReplicaSetsAndTheirPods() {
        String[] dependents = deploymentWithDependents("bg", null);
        assertThat(ok("delete", "deployment", "bg", "-n", NS).out()).contains("deployment.apps \"bg\" deleted");
        ok("wait", "--for=delete", "-n", NS, "replicaset/" + dependents[0], "pod/" + dependents[1], "--timeout=30s");
    }

    @Test
    void cascadeForegroundKeepsTheDeploymentUntilItsDependentsAreGone() {
        String[] dependents = deploymentWithDependents("fg", "example.com/hold");
        ok("delete", "deployment", "fg", "-n", NS, "--cascade=foreground", "--wait=false");
        assertThat(ok("get", "deployment", "fg", "-n", NS, "-o", "jsonpath={.metadata.finalizers}").out())
                .contains("foregroundDeletion");
        ok("wait", "--for=jsonpath={.metadata.deletionTimestamp}", "-n", NS, "pod/" + dependents[1], "--timeout=30s");
        assertThat(ok("get", "deployment", "fg", "-n", NS, "-o", "name").out()).as("held by its replicaset")
                .contains("deployment.apps/fg");
        assertThat(ok("get", "replicaset", dependents[0], "-n", NS, "-o", "jsonpath={.metadata.finalizers}").out())
                .as("the replicaset has a dependent of its own: deleted in the foreground").contains("foregroundDeletion");

        ok("patch", "pod", dependents[1], "-n", NS, "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
        ok("wait", "--for=delete", "-n", NS, "deployment/fg", "replicaset/" + dependents[0], "--timeout=30s");
    }

    @Test
    void cascadeOrphanLeavesTheReplicaSetWithoutItsOwner() {
        String[] dependents = deploymentWithDependents("or", null);
        ok("delete", "deployment", "or", "-n", NS, "--cascade=orphan");
        assertThat(KUBECTL.run("get", "deployment", "or", "-n", NS).err()).contains("not found");
        JsonNode rs = KubeHttp.get("/apis/apps/v1/namespaces/" + NS + "/replicasets/" + dependents[0]).json();
        assertThat(rs.path("metadata").path("ownerReferences").isMissingNode()
                || rs.path("metadata").path("ownerReferences").isEmpty()).as(rs.toString()).isTrue();
        assertThat(KubeHttp.get("/api/v1/namespaces/" + NS + "/pods/" + dependents[1]).code()).isEqualTo(200);
    }

    @Test
    void deleteOptionsAreValidatedAndAnsweredAsKube() {
        Reply both = KubeHttp.send("DELETE", "/api/v1/namespaces/" + NS + "/configmaps/x",
                "application/json", "{\"orphanDependents\":true,\"propagationPolicy\":\"Background\"}");
        assertThat(both.code()).isEqualTo(422);
        assertThat(both.json().path("message").asString()).isEqualTo("DeleteOptions.meta.k8s.io \"\" is invalid: "
                + "propagationPolicy: Invalid value: \"Background\": orphanDependents and deletionPropagation cannot be both set");

        ok("create", "job", "legacy", "-n", NS, "--image=busybox");
        Reply job = KubeHttp.delete("/apis/batch/v1/namespaces/" + NS + "/jobs/legacy");
        assertThat(job.code()).as(job.body()).isEqualTo(200);
        assertThat(job.headers("Warning")).containsExactly("299 - \"child pods are preserved by default when jobs are "
                + "deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to "
                + "suppress this warning\"");
        assertThat(job.json().path("metadata").path("finalizers").toString()).isEqualTo("[\"orphan\"]");
        ok("wait", "--for=delete", "-n", NS, "job/legacy", "--timeout=30s");

        Reply held = KubeHttp.post("/api/v1/namespaces/" + NS + "/configmaps",
                "{\"metadata\":{\"name\":\"held\",\"finalizers\":[\"example.com/hold\"]}}");
        assertThat(held.code()).isEqualTo(201);
        Reply accepted = KubeHttp.send("DELETE", "/api/v1/namespaces/" + NS + "/configmaps/held",
                "application/json", "{\"orphanDependents\":false}");
        assertThat(accepted.code()).as(accepted.body()).isEqualTo(202);
        ok("patch", "configmap", "held", "-n", NS, "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
    }
}
