package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.plugin.Amount;
import io.fabric8.kubernetes.api.model.Quantity;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * apiserver's {@code quota/v1} helpers over resource lists (resource name to {@link Amount}), each returning a
 * new sorted map and leaving its arguments alone.
 */
public final class ResourceLists {

    private ResourceLists() {
    }

    /** The readable entries of a fabric8 resource list (null: empty). */
    public static Map<String, Amount> of(Map<String, Quantity> list) {
        Map<String, Amount> out = new TreeMap<>();
        if (list != null) {
            list.forEach((name, q) -> {
                Amount a = Amount.of(q);
                if (a != null) {
                    out.put(name, a);
                }
            });
        }
        return out;
    }

    /** As a fabric8 resource list, in canonical text, sorted by name. */
    public static Map<String, Quantity> toQuantities(Map<String, Amount> list) {
        Map<String, Quantity> out = new LinkedHashMap<>();
        new TreeMap<>(list).forEach((name, a) -> out.put(name, a.toQuantity()));
        return out;
    }

    /** {@code a + b}: every name of either, summed where both have it. */
    public static Map<String, Amount> add(Map<String, Amount> a, Map<String, Amount> b) {
        Map<String, Amount> out = new TreeMap<>(a);
        b.forEach((name, v) -> out.merge(name, v, Amount::plus));
        return out;
    }

    /** kube's {@code SubtractWithNonNegativeResult}: {@code a - b} per name of either, never below zero. */
    public static Map<String, Amount> subtractNonNegative(Map<String, Amount> a, Map<String, Amount> b) {
        Map<String, Amount> out = new TreeMap<>();
        a.forEach((name, v) -> {
            Amount d = b.containsKey(name) ? v.minus(b.get(name)) : v;
            out.put(name, d.signum() > 0 ? d : Amount.ZERO);
        });
        b.keySet().forEach(name -> out.putIfAbsent(name, Amount.ZERO));
        return out;
    }

    /** The entries whose names are in {@code names}. */
    public static Map<String, Amount> mask(Map<String, Amount> list, Collection<String> names) {
        Set<String> keep = Set.copyOf(names);
        Map<String, Amount> out = new TreeMap<>();
        list.forEach((name, v) -> {
            if (keep.contains(name)) {
                out.put(name, v);
            }
        });
        return out;
    }

    public static Map<String, Amount> removeZeros(Map<String, Amount> list) {
        Map<String, Amount> out = new TreeMap<>();
        list.forEach((name, v) -> {
            if (!v.isZero()) {
                out.put(name, v);
            }
        });
        return out;
    }

    /** The names whose amounts are negative. */
    public static List<String> negative(Map<String, Amount> list) {
        return list.entrySet().stream().filter(e -> e.getValue().signum() < 0).map(Map.Entry::getKey).sorted()
                .toList();
    }

    /** kube's {@code LessThanOrEqual}: the names of {@code a} that {@code b} has with a smaller amount. */
    public static List<String> exceeding(Map<String, Amount> a, Map<String, Amount> b) {
        return a.entrySet().stream().filter(e -> b.containsKey(e.getKey())
                && e.getValue().compareTo(b.get(e.getKey())) > 0).map(Map.Entry::getKey).sorted().toList();
    }

    /** The same names with the same values (formats aside), as kube's {@code quota.Equals}. */
    public static boolean same(Map<String, Amount> a, Map<String, Amount> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<String, Amount> e : a.entrySet()) {
            if (!e.getValue().sameValue(b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** {@code name=value} sorted by name and joined with commas, as kube's quota messages print lists. */
    public static String pretty(Map<String, Amount> list) {
        return new TreeMap<>(list).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
