package dev.kapi.apiserver.admission.plugin.limitranger;

import dev.kapi.apiserver.admission.plugin.Amount;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The checks of one LimitRange item, with kube's messages: min, max and maxLimitRequestRatio per
 * {@code Container} (each container and init container), per {@code Pod} (its total, as the scheduler counts it:
 * containers and sidecars added, other init containers as a floor) and min and max per
 * {@code PersistentVolumeClaim} (its storage request). Values are compared in thousandths (rounded up), or in
 * units when one is too large for that, as kube does.
 */
final class Constraints {

    private Constraints() {
    }

    static void container(LimitRangeItem item, Container c, List<String> errors) {
        ResourceRequirements r = c.getResources();
        Map<String, Amount> requests = amounts(r == null ? null : r.getRequests());
        Map<String, Amount> limits = amounts(r == null ? null : r.getLimits());
        check(item, "Container", requests, limits, errors);
    }

    static void pod(LimitRangeItem item, PodSpec spec, List<String> errors) {
        check(item, "Pod", total(spec, ResourceRequirements::getRequests),
                total(spec, ResourceRequirements::getLimits), errors);
    }

    static void claim(LimitRangeItem item, Map<String, Quantity> requests, List<String> errors) {
        Map<String, Amount> req = amounts(requests);
        amounts(item.getMin()).forEach((name, min) -> add(errors, min(item.getType(), name, min, req, Map.of())));
        amounts(item.getMax()).forEach((name, max) -> add(errors, maxRequest(item.getType(), name, max, req)));
    }

    private static void check(LimitRangeItem item, String type, Map<String, Amount> requests,
                              Map<String, Amount> limits, List<String> errors) {
        amounts(item.getMin()).forEach((name, min) -> add(errors, min(type, name, min, requests, limits)));
        amounts(item.getMax()).forEach((name, max) -> add(errors, max(type, name, max, requests, limits)));
        amounts(item.getMaxLimitRequestRatio())
                .forEach((name, ratio) -> add(errors, ratio(type, name, ratio, requests, limits)));
    }

    private static void add(List<String> errors, String error) {
        if (error != null) {
            errors.add(error);
        }
    }

    private static String min(String type, String name, Amount enforced, Map<String, Amount> requests,
                              Map<String, Amount> limits) {
        Amount req = requests.get(name);
        Amount lim = limits.get(name);
        long[] v = values(req, lim, enforced);
        if (req == null) {
            return "minimum " + name + " usage per " + type + " is " + enforced + ".  No request is specified";
        }
        if (v[0] < v[2]) {
            return "minimum " + name + " usage per " + type + " is " + enforced + ", but request is " + req;
        }
        if (lim != null && v[1] < v[2]) {
            return "minimum " + name + " usage per " + type + " is " + enforced + ", but limit is " + lim;
        }
        return null;
    }

    private static String maxRequest(String type, String name, Amount enforced, Map<String, Amount> requests) {
        Amount req = requests.get(name);
        long[] v = values(req, null, enforced);
        if (req == null) {
            return "maximum " + name + " usage per " + type + " is " + enforced + ".  No request is specified";
        }
        if (v[0] > v[2]) {
            return "maximum " + name + " usage per " + type + " is " + enforced + ", but request is " + req;
        }
        return null;
    }

    private static String max(String type, String name, Amount enforced, Map<String, Amount> requests,
                              Map<String, Amount> limits) {
        Amount req = requests.get(name);
        Amount lim = limits.get(name);
        long[] v = values(req, lim, enforced);
        if (lim == null) {
            return "maximum " + name + " usage per " + type + " is " + enforced + ".  No limit is specified";
        }
        if (v[1] > v[2]) {
            return "maximum " + name + " usage per " + type + " is " + enforced + ", but limit is " + lim;
        }
        if (req != null && v[0] > v[2]) {
            return "maximum " + name + " usage per " + type + " is " + enforced + ", but request is " + req;
        }
        return null;
    }

    private static String ratio(String type, String name, Amount enforced, Map<String, Amount> requests,
                                Map<String, Amount> limits) {
        Amount req = requests.get(name);
        Amount lim = limits.get(name);
        long[] v = values(req, lim, enforced);
        if (req == null || v[0] == 0) {
            return name + " max limit to request ratio per " + type + " is " + enforced
                    + ", but no request is specified or request is 0";
        }
        if (lim == null || v[1] == 0) {
            return name + " max limit to request ratio per " + type + " is " + enforced
                    + ", but no limit is specified or limit is 0";
        }
        double observed = (double) v[1] / (double) v[0];
        double shown = observed;
        double allowed = enforced.integerValue();
        if (enforced.integerValue() <= Amount.MAX_MILLI_VALUE) {
            observed *= 1000;
            allowed = enforced.milliValue();
        }
        if (observed > allowed) {
            return name + " max limit to request ratio per " + type + " is " + enforced + ", but provided ratio is "
                    + String.format(Locale.ROOT, "%f", shown);
        }
        return null;
    }

    /** kube's {@code requestLimitEnforcedValues}: request, limit, enforced in thousandths when all fit, else units. */
    private static long[] values(Amount request, Amount limit, Amount enforced) {
        Amount req = request == null ? Amount.ZERO : request;
        Amount lim = limit == null ? Amount.ZERO : limit;
        if (req.integerValue() <= Amount.MAX_MILLI_VALUE && lim.integerValue() <= Amount.MAX_MILLI_VALUE
                && enforced.integerValue() <= Amount.MAX_MILLI_VALUE) {
            return new long[] {req.milliValue(), lim.milliValue(), enforced.milliValue()};
        }
        return new long[] {req.integerValue(), lim.integerValue(), enforced.integerValue()};
    }

    /**
     * A pod's requests or limits as kube's LimitRanger counts them: the containers' sum plus the restartable
     * (sidecar) init containers', at least what each other init container needs alongside the sidecars started
     * before it.
     */
    private static Map<String, Amount> total(PodSpec spec, Function<ResourceRequirements, Map<String, Quantity>> of) {
        Map<String, Amount> sum = new LinkedHashMap<>();
        for (Container c : nn(spec.getContainers())) {
            addAll(sum, amounts(c.getResources() == null ? null : of.apply(c.getResources())));
        }
        Map<String, Amount> sidecars = new LinkedHashMap<>();
        Map<String, Amount> initFloor = new LinkedHashMap<>();
        for (Container c : nn(spec.getInitContainers())) {
            Map<String, Amount> own = amounts(c.getResources() == null ? null : of.apply(c.getResources()));
            Map<String, Amount> needed;
            if ("Always".equals(c.getRestartPolicy())) {
                addAll(sum, own);
                addAll(sidecars, own);
                needed = sidecars;
            } else {
                needed = new LinkedHashMap<>(own);
                addAll(needed, sidecars);
            }
            maxAll(initFloor, needed);
        }
        maxAll(sum, initFloor);
        return sum;
    }

    private static void addAll(Map<String, Amount> into, Map<String, Amount> values) {
        values.forEach((name, v) -> into.merge(name, v, Amount::plus));
    }

    private static void maxAll(Map<String, Amount> into, Map<String, Amount> values) {
        values.forEach((name, v) -> into.merge(name, v, (a, b) -> b.compareTo(a) > 0 ? b : a));
    }

    static Map<String, Amount> amounts(Map<String, Quantity> quantities) {
        Map<String, Amount> out = new LinkedHashMap<>();
        if (quantities != null) {
            quantities.forEach((name, q) -> {
                Amount a = Amount.of(q);
                if (a != null) { // not a quantity: the object's own validation refuses it
                    out.put(name, a);
                }
            });
        }
        return out;
    }

    private static <T> List<T> nn(List<T> list) {
        return list == null ? List.of() : list;
    }
}
