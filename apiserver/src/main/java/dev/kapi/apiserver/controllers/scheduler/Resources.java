package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.api.QuantityValues;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resource amounts as the scheduler counts them (kube's {@code framework.Resource}): cpu in millicores, every
 * other resource in whole units rounded up (bytes for memory and ephemeral-storage), by resource name.
 * {@link #requests} is a pod's request as kube's {@code PodRequests} sums it: the containers, the sidecar init
 * containers with them, raised to what any init container needs while it runs, then pod-level requests where
 * set and the overhead. {@link #nonZeroRequests} is the same with kube's defaults for a container that requests
 * no cpu (100m) or memory (200Mi), what the scores count so that pods without requests still spread.
 */
final class Resources {

    static final String CPU = "cpu";
    static final String MEMORY = "memory";
    static final String PODS = "pods";
    static final String EPHEMERAL_STORAGE = "ephemeral-storage";
    static final long DEFAULT_MILLI_CPU = 100;
    static final long DEFAULT_MEMORY = 200L * 1024 * 1024;

    private Resources() {
    }

    /** The amount of {@code name} in the scheduler's unit (millicores for cpu). */
    static long amount(String name, Quantity q) {
        BigDecimal v = Quantity.getAmountInBytes(q);
        if (CPU.equals(name)) {
            v = v.scaleByPowerOfTen(3); // not movePointRight, which would build the digits of a huge amount
        }
        return QuantityValues.ceilToLong(v); // saturates: a made-up 1e60000000 never has its digits built
    }

    static Map<String, Long> of(Map<String, Quantity> list) {
        Map<String, Long> out = new HashMap<>();
        if (list != null) {
            list.forEach((name, q) -> out.put(name, amount(name, q)));
        }
        return out;
    }

    static Map<String, Long> requests(PodSpec spec) {
        return sum(spec, false);
    }

    static Map<String, Long> nonZeroRequests(PodSpec spec) {
        return sum(spec, true);
    }

    private static Map<String, Long> sum(PodSpec spec, boolean nonZero) {
        Map<String, Long> total = new HashMap<>();
        for (Container c : list(spec.getContainers())) {
            add(total, of(c, nonZero));
        }
        Map<String, Long> sidecars = new HashMap<>();
        Map<String, Long> initPeak = new HashMap<>();
        for (Container c : list(spec.getInitContainers())) {
            Map<String, Long> own = of(c, nonZero);
            Map<String, Long> running;
            if ("Always".equals(c.getRestartPolicy())) {
                add(total, own);
                add(sidecars, own);
                running = sidecars;
            } else {
                running = new HashMap<>(own);
                add(running, sidecars);
            }
            running.forEach((name, v) -> initPeak.merge(name, v, Math::max));
        }
        initPeak.forEach((name, v) -> total.merge(name, v, Math::max));
        if (spec.getResources() != null && spec.getResources().getRequests() != null) {
            of(spec.getResources().getRequests()).forEach((name, v) -> {
                if (name.equals(CPU) || name.equals(MEMORY) || name.startsWith("hugepages-")) {
                    total.put(name, v);
                }
            });
        }
        add(total, of(spec.getOverhead()));
        return total;
    }

    private static Map<String, Long> of(Container c, boolean nonZero) {
        Map<String, Long> own = of(c.getResources() == null ? null : c.getResources().getRequests());
        if (nonZero) {
            own.putIfAbsent(CPU, DEFAULT_MILLI_CPU);
            own.putIfAbsent(MEMORY, DEFAULT_MEMORY);
        }
        return own;
    }

    static void add(Map<String, Long> into, Map<String, Long> values) {
        values.forEach((name, v) -> into.merge(name, v, Long::sum));
    }

    static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
