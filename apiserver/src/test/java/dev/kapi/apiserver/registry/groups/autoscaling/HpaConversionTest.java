package dev.kapi.apiserver.registry.groups.autoscaling;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** kube's autoscaling v1 &lt;-&gt; v2 conversion: every metric type and the status survive a trip through v1. */
class HpaConversionTest {

    private static final String FULL = """
            {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler",
             "metadata":{"name":"a","namespace":"n","annotations":{"keep":"me"}},
             "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":9,
              "metrics":[
               {"type":"Object","object":{"describedObject":{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","name":"main"},
                 "metric":{"name":"requests","selector":{"matchLabels":{"v":"1"}}},"target":{"type":"Value","value":"2k"}}},
               {"type":"External","external":{"metric":{"name":"queue"},"target":{"type":"AverageValue","averageValue":"30"}}},
               {"type":"ContainerResource","containerResource":{"name":"cpu","container":"app",
                 "target":{"type":"Utilization","averageUtilization":60}}},
               {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":75}}}],
              "behavior":{"scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max",
                 "policies":[{"type":"Pods","value":4,"periodSeconds":15},{"type":"Percent","value":100,"periodSeconds":15}]},
               "scaleDown":{"selectPolicy":"Min","policies":[{"type":"Percent","value":10,"periodSeconds":60}]}}},
             "status":{"observedGeneration":1,"currentReplicas":3,"desiredReplicas":4,
              "currentMetrics":[{"type":"External","external":{"metric":{"name":"queue"},"current":{"averageValue":"25"}}}],
              "conditions":[{"type":"ScalingActive","status":"True","reason":"ValidMetricFound","message":"ok"}]}}
            """;

    @Test
    void aV2ObjectSurvivesATripThroughV1() {
        HorizontalPodAutoscaler v2 = Json.read(FULL.getBytes(StandardCharsets.UTF_8), HorizontalPodAutoscaler.class);
        var v1 = HpaConversion.toV1(v2);
        assertThat(v1.getSpec().getTargetCPUUtilizationPercentage()).isEqualTo(75);
        assertThat(v1.getStatus().getCurrentReplicas()).isEqualTo(3);
        assertThat(v1.getMetadata().getAnnotations()).containsEntry("keep", "me").containsKeys(HpaConversion.METRICS,
                HpaConversion.CURRENT_METRICS, HpaConversion.CONDITIONS, HpaConversion.BEHAVIOR);
        JsonNode metrics = Json.MAPPER.readTree(v1.getMetadata().getAnnotations().get(HpaConversion.METRICS));
        assertThat(metrics.size()).isEqualTo(3); // the CPU utilization target is v1's own field
        assertThat(metrics.get(0)).isEqualTo(Json.MAPPER.readTree("""
                {"type":"Object","object":{"target":{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","name":"main"},
                 "metricName":"requests","targetValue":"2k","selector":{"matchLabels":{"v":"1"}}}}"""));
        assertThat(metrics.get(2)).isEqualTo(Json.MAPPER.readTree("""
                {"type":"ContainerResource","containerResource":{"name":"cpu","targetAverageUtilization":60,"container":"app"}}"""));

        HorizontalPodAutoscaler back = HpaConversion.toV2(v1);
        JsonNode original = Json.tree(v2);
        JsonNode trip = Json.tree(back);
        assertThat(trip.get("status")).isEqualTo(original.get("status"));
        assertThat(trip.at("/spec/behavior")).isEqualTo(original.at("/spec/behavior"));
        assertThat(trip.at("/spec/metrics")).isEqualTo(original.at("/spec/metrics"));
        assertThat(back.getMetadata().getAnnotations()).isEqualTo(Map.of("keep", "me"));
        assertThat(v2.getMetadata().getAnnotations()).isEqualTo(Map.of("keep", "me")); // the argument is untouched
    }

    @Test
    void annotationsThatDoNotParseAreIgnoredAsKubeIgnoresThem() {
        var v1 = Json.read("""
                {"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"a",
                  "annotations":{"autoscaling.alpha.kubernetes.io/metrics":"not json","autoscaling.alpha.kubernetes.io/behavior":"{}"}},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":3}}
                """.getBytes(StandardCharsets.UTF_8), io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler.class);
        HorizontalPodAutoscaler v2 = HpaConversion.toV2(v1);
        assertThat(v2.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(v2.getSpec().getMetrics()).hasSize(1);
        assertThat(v2.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(80);
        // an empty behavior gets kube's defaults in both directions
        assertThat(v2.getSpec().getBehavior().getScaleUp().getPolicies()).hasSize(2);
        assertThat(v2.getSpec().getBehavior().getScaleDown().getPolicies().get(0).getType()).isEqualTo("Percent");
    }

    @Test
    void aWellFormedAnnotationOfTheWrongShapeIsIgnoredToo() {
        var v1 = Json.read("""
                {"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"a","annotations":{
                  "autoscaling.alpha.kubernetes.io/metrics":"[{\\"type\\":\\"Pods\\",\\"pods\\":{\\"metricName\\":{\\"a\\":1}}}]",
                  "autoscaling.alpha.kubernetes.io/conditions":"[{\\"type\\":{\\"x\\":1}}]",
                  "autoscaling.alpha.kubernetes.io/current-metrics":"[{\\"type\\":[1]}]"}},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":3}}
                """.getBytes(StandardCharsets.UTF_8), io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler.class);
        HorizontalPodAutoscaler v2 = HpaConversion.toV2(v1);
        assertThat(v2.getSpec().getMetrics()).hasSize(1);
        assertThat(v2.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(80);
        assertThat(v2.getStatus().getConditions()).isNullOrEmpty();
        assertThat(v2.getStatus().getCurrentMetrics()).isNullOrEmpty();
    }

    @Test
    void v1sTargetIsTheFirstCpuMetricWithAUtilizationAndTheOthersTravelInTheAnnotation() {
        HorizontalPodAutoscaler v2 = Json.read("""
                {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"a"},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":3,"metrics":[
                  {"type":"Resource","resource":{"name":"cpu","target":{"type":"AverageValue","averageValue":"500m"}}},
                  {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":60}}}]}}
                """.getBytes(StandardCharsets.UTF_8), HorizontalPodAutoscaler.class);
        var v1 = HpaConversion.toV1(v2);
        assertThat(v1.getSpec().getTargetCPUUtilizationPercentage()).isEqualTo(60);
        assertThat(v1.getMetadata().getAnnotations().get("autoscaling.alpha.kubernetes.io/metrics"))
                .contains("500m").doesNotContain("60");
        assertThat(HpaConversion.toV2(v1).getSpec().getMetrics()).hasSize(2);
    }
}
