package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Resources served at several versions or groups over one storage, as a kubectl user meets them:
 * {@code kubectl autoscale} and {@code kubectl get hpa} (autoscaling/v2, preferred), the same autoscaler read
 * at autoscaling/v1, the HorizontalPodAutoscaler of {@code helm create}'s chart, and an events.k8s.io/v1 Event
 * seen by {@code kubectl events} (core v1) and a core Event seen by a watch of events.k8s.io.
 */
@ExtendWith(KapiServerExtension.class)
class AutoscalingAndEventsKubectlIT {

    private static final String NS = "e2e-versions";

    /** templates/hpa.yaml of {@code helm create mychart} with autoscaling enabled (memory target set too). */
    private static final String HELM_HPA = """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: mychart
              labels:
                helm.sh/chart: mychart-0.1.0
                app.kubernetes.io/name: mychart
                app.kubernetes.io/instance: mychart
                app.kubernetes.io/version: "1.16.0"
                app.kubernetes.io/managed-by: Helm
            spec:
              scaleTargetRef:
                apiVersion: apps/v1
                kind: Deployment
                name: mychart
              minReplicas: 1
              maxReplicas: 100
              metrics:
                - type: Resource
                  resource:
                    name: cpu
                    target:
                      type: Utilization
                      averageUtilization: 80
                - type: Resource
                  resource:
                    name: memory
                    target:
                      type: Utilization
                      averageUtilization: 80
            """;

    private static final String EVENTS_V1_EVENT = """
            apiVersion: events.k8s.io/v1
            kind: Event
            metadata:
              name: web-scaled
            eventTime: "2026-01-02T03:04:05.000000Z"
            reportingController: example.com/scaler
            reportingInstance: scaler-1
            action: Scaling
            reason: Scaled
            type: Normal
            note: Scaled web to 2
            regarding:
              apiVersion: apps/v1
              kind: Deployment
              name: web
              namespace: e2e-versions
            """;

    private static final String CORE_EVENT = """
            apiVersion: v1
            kind: Event
            metadata:
              name: web-killing
            involvedObject:
              kind: Pod
              name: web-1
              namespace: e2e-versions
            reason: Killing
            message: Stopping container web
            type: Normal
            source:
              component: kubelet
            """;

    private final Kubectl kubectl = Kubectl.named("kubectl");

    @Test
    void autoscaleAndGetHpaAtBothVersions() {
        KubeHttp.createNamespace(NS);
        ok(kubectl.run("-n", NS, "create", "deployment", "web", "--image=nginx"));
        assertThat(ok(kubectl.run("-n", NS, "autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu-percent=80")))
                .contains("horizontalpodautoscaler.autoscaling/web autoscaled");
        assertThat(ok(kubectl.run("-n", NS, "get", "hpa")))
                .containsPattern("(?m)^NAME\\s+REFERENCE\\s+TARGETS\\s+MINPODS\\s+MAXPODS\\s+REPLICAS\\s+AGE$")
                // REPLICAS: 0 until the HPA controller's first status, then the Deployment's current count
                .containsPattern("(?m)^web\\s+Deployment/web\\s+cpu: <unknown>/80%\\s+2\\s+5\\s+\\d+\\s+\\d+s$");
        assertThat(ok(kubectl.run("-n", NS, "get", "horizontalpodautoscalers.v1.autoscaling", "web",
                "-o", "jsonpath={.apiVersion} {.spec.targetCPUUtilizationPercentage} {.spec.minReplicas}")))
                .isEqualTo("autoscaling/v1 80 2");

        String resources = ok(kubectl.run("api-resources"));
        assertThat(resources)
                .containsPattern("(?m)^horizontalpodautoscalers\\s+hpa\\s+autoscaling/v2\\s+true\\s+HorizontalPodAutoscaler")
                .containsPattern("(?m)^events\\s+ev\\s+events.k8s.io/v1\\s+true\\s+Event");

        assertThat(ok(kubectl.runWithInput(HELM_HPA, "-n", NS, "apply", "-f", "-")))
                .contains("horizontalpodautoscaler.autoscaling/mychart created");
        assertThat(ok(kubectl.run("-n", NS, "get", "hpa", "mychart")))
                .contains("cpu: <unknown>/80%, memory: <unknown>/80%");
        JsonNode v1 = Json.MAPPER.readTree(ok(kubectl.run("-n", NS, "get", "horizontalpodautoscalers.v1.autoscaling",
                "mychart", "-o", "json")));
        assertThat(v1.at("/spec/targetCPUUtilizationPercentage").asInt()).isEqualTo(80);
        assertThat(Json.MAPPER.readTree(v1.at("/metadata/annotations/autoscaling.alpha.kubernetes.io~1metrics").asString()))
                .isEqualTo(Json.MAPPER.readTree("""
                        [{"type":"Resource","resource":{"name":"memory","targetAverageUtilization":80}}]"""));
        assertThat(ok(kubectl.run("-n", NS, "get", "all"))).contains("horizontalpodautoscaler.autoscaling/web");
    }

    @Test
    void eventsOfEitherGroupAreSeenThroughTheOther() {
        KubeHttp.createNamespace(NS + "-ev");
        String ns = NS + "-ev";
        assertThat(ok(kubectl.runWithInput(EVENTS_V1_EVENT.replace("namespace: e2e-versions", "namespace: " + ns),
                "-n", ns, "create", "-f", "-"))).contains("event.events.k8s.io/web-scaled created");
        assertThat(ok(kubectl.run("-n", ns, "events")))
                .containsPattern("(?m)^LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+MESSAGE$")
                .containsPattern("(?m)\\s+Normal\\s+Scaled\\s+Deployment/web\\s+Scaled web to 2$");
        assertThat(ok(kubectl.run("-n", ns, "get", "events.v1.", "web-scaled", "-o",
                "jsonpath={.message} {.involvedObject.name} {.reportingComponent}")))
                .isEqualTo("Scaled web to 2 web example.com/scaler");

        String rv = Json.MAPPER.readTree(ok(kubectl.run("get", "--raw",
                "/apis/events.k8s.io/v1/namespaces/" + ns + "/events"))).at("/metadata/resourceVersion").asString();
        ok(kubectl.runWithInput(CORE_EVENT.replace("namespace: e2e-versions", "namespace: " + ns), "-n", ns, "create", "-f", "-"));
        String watched = ok(kubectl.run("get", "--raw", "/apis/events.k8s.io/v1/namespaces/" + ns
                + "/events?watch=true&timeoutSeconds=2&resourceVersion=" + rv));
        JsonNode added = Json.MAPPER.readTree(watched.lines().findFirst().orElseThrow());
        assertThat(added.path("type").asString()).isEqualTo("ADDED");
        assertThat(added.at("/object/apiVersion").asString()).isEqualTo("events.k8s.io/v1");
        assertThat(added.at("/object/note").asString()).isEqualTo("Stopping container web");
        assertThat(added.at("/object/deprecatedSource/component").asString()).isEqualTo("kubelet");
        assertThat(ok(kubectl.run("get", "--raw", "/apis/events.k8s.io/v1/namespaces/" + ns
                + "/events?fieldSelector=regarding.name%3Dweb-1"))).contains("web-killing").doesNotContain("web-scaled");
    }

    private static String ok(Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out();
    }
}
