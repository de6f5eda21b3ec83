package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.QuantityValues;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's quality-of-service class as kube computes it ({@code qos.GetPodQOS}) from the cpu and memory requests
 * and limits of its containers and init containers: BestEffort when none are set, Guaranteed when every
 * container limits both and requests equal limits, else Burstable.
 */
final class QosClasses {

    private static final List<String> RESOURCES = List.of("cpu", "memory");

    private QosClasses() {
    }

    static String of(PodSpec spec) {
        Map<String, BigDecimal> requests = new HashMap<>();
        Map<String, BigDecimal> limits = new HashMap<>();
        boolean guaranteed = true;
        if (spec == null) {
            return "BestEffort";
        }
        for (List<Container> list : PodSpecDefaults.containerLists(spec)) {
            for (Container c : list) {
                Map<String, Quantity> req = c.getResources() == null ? null : c.getResources().getRequests();
                Map<String, Quantity> lim = c.getResources() == null ? null : c.getResources().getLimits();
                add(requests, req);
                int limited = add(limits, lim);
                if (limited < RESOURCES.size()) {
                    guaranteed = false;
                }
            }
        }
        if (requests.isEmpty() && limits.isEmpty()) {
            return "BestEffort";
        }
        if (guaranteed && requests.keySet().equals(limits.keySet())) {
            for (Map.Entry<String, BigDecimal> e : limits.entrySet()) {
                if (e.getValue().compareTo(requests.get(e.getKey())) != 0) {
                    return "Burstable";
                }
            }
            return "Guaranteed";
        }
        return "Burstable";
    }

    /** Adds the non-zero cpu/memory amounts to {@code sums}; returns how many of the two were set. */
    private static int add(Map<String, BigDecimal> sums, Map<String, Quantity> values) {
        int count = 0;
        if (values == null) {
            return 0;
        }
        for (String r : RESOURCES) {
            Quantity q = values.get(r);
            if (q == null) {
                continue;
            }
            BigDecimal amount;
            try {
                amount = QuantityValues.bounded(Quantity.getAmountInBytes(q), RoundingMode.UP);
            } catch (RuntimeException e) {
                continue;
            }
            if (amount.signum() == 0) {
                continue;
            }
            count++;
            sums.merge(r, amount, BigDecimal::add);
        }
        return count;
    }
}
