package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.AdmissionObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * kube's admission duration histograms: {@code apiserver_admission_step_admission_duration_seconds} per step and
 * {@code apiserver_admission_controller_admission_duration_seconds} per plugin, by operation, rejection and type.
 * Each plugin's observer keeps its meters by operation and rejection in a small array, so that a call (about
 * twenty per write) records without building a tag key or searching a map.
 */
final class AdmissionMeters implements AdmissionObserver {

    private static final String[] OPERATIONS = {"CREATE", "UPDATE", "DELETE", "CONNECT"};

    private final TaggedMeters<Timer> steps;
    private final TaggedMeters<Timer> controllers;

    AdmissionMeters(MeterRegistry meters, Duration[] buckets) {
        this.steps = new TaggedMeters<>(tags -> Timer.builder("apiserver.admission.step.admission.duration")
                .description("Admission sub-step latency histogram in seconds, broken out for "
                        + "each operation and API resource and step type (validate or admit).")
                .tags("operation", tags.get(0), "rejected", tags.get(1), "type", tags.get(2))
                .serviceLevelObjectives(buckets).register(meters));
        this.controllers = new TaggedMeters<>(tags -> Timer.builder("apiserver.admission.controller.admission.duration")
                .description("Admission controller latency histogram in seconds, identified by name "
                        + "and broken out for each operation and API resource and type (validate or admit).")
                .tags("name", tags.get(0), "operation", tags.get(1), "rejected", tags.get(2), "type", tags.get(3))
                .serviceLevelObjectives(buckets).register(meters));
    }

    @Override
    public void observe(String name, String type, String operation, boolean rejected, Duration took) {
        timer(name, type, operation, rejected).record(took);
    }

    @Override
    public Bound bind(String name, String type) {
        AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(OPERATIONS.length * 2);
        return (operation, rejected, nanos) -> {
            int op = indexOf(operation);
            if (op < 0) {
                timer(name, type, operation, rejected).record(nanos, TimeUnit.NANOSECONDS);
                return;
            }
            int slot = op * 2 + (rejected ? 1 : 0);
            Timer timer = timers.get(slot);
            if (timer == null) {
                timer = timer(name, type, operation, rejected);
                timers.set(slot, timer); // the registry answers the same meter to a racing caller
            }
            timer.record(nanos, TimeUnit.NANOSECONDS);
        };
    }

    private Timer timer(String name, String type, String operation, boolean rejected) {
        String refused = Boolean.toString(rejected);
        return name == null ? steps.get(operation, refused, type) : controllers.get(name, operation, refused, type);
    }

    private static int indexOf(String operation) {
        for (int i = 0; i < OPERATIONS.length; i++) {
            if (OPERATIONS[i].equals(operation)) {
                return i;
            }
        }
        return -1;
    }
}
