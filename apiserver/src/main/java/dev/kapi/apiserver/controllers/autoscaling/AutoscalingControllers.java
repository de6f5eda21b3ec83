package dev.kapi.apiserver.controllers.autoscaling;

import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.controllers.ControllerContext.Candidate;
import dev.kapi.apiserver.controllers.EventRecorder;
import dev.kapi.apiserver.controllers.SharedInformers;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * kube-controller-manager's autoscaling controllers: the horizontal-pod-autoscaler controller, with kube's
 * {@code --horizontal-pod-autoscaler-sync-period} (15 s) and {@code --horizontal-pod-autoscaler-downscale-
 * stabilization} (5 min).
 */
public final class AutoscalingControllers {

    static final Duration SYNC_PERIOD = Duration.ofSeconds(15);
    static final Duration DOWNSCALE_STABILIZATION = Duration.ofMinutes(5);

    private AutoscalingControllers() {
    }

    public static List<Controller> create(ControllerContext context) {
        return create(context, SYNC_PERIOD, DOWNSCALE_STABILIZATION, Clock.systemUTC());
    }

    /** With the sync period, downscale stabilization and clock given (tests). */
    public static List<Controller> create(ControllerContext context, Duration syncPeriod,
                                          Duration downscaleStabilization, Clock clock) {
        SharedInformers informers = context.informers();
        return context.selected(new Candidate(HorizontalPodAutoscalerController.NAME,
                () -> new HorizontalPodAutoscalerController(
                informers.of("autoscaling", "v2", "horizontalpodautoscalers", HorizontalPodAutoscaler.class),
                informers.of("", "v1", "pods", Pod.class), informers.of("", "v1", "nodes", Node.class),
                informers.store("autoscaling", "v2", "horizontalpodautoscalers", HorizontalPodAutoscaler.class),
                new ScaleTargets(context.stores(), context.writes()), context.writes(),
                events(context, clock), syncPeriod, downscaleStabilization, clock)));
    }

    /** The HPA controller's Events on HPAs: a repeat raises the count of the last one. */
    private static EventRecorder events(ControllerContext context, Clock clock) {
        return EventRecorder.builder(context.writes(),
                        context.stores().find("", "v1", "events", Event.class).orElse(null),
                        HorizontalPodAutoscalerController.USER, "horizontal-pod-autoscaler")
                .about("autoscaling/v2", "HorizontalPodAutoscaler").clock(clock).countingRepeats().build();
    }
}
