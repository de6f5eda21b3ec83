package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import dev.kapi.apiserver.registry.validation.PrintedQuantities;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * kube's {@code ValidateLimitRange}: each item's type is Pod, Container, PersistentVolumeClaim or qualified, and
 * appears once; resource names fit the type; a Pod item has no defaults; a PersistentVolumeClaim item bounds
 * storage; per resource min &lt;= defaultRequest &lt;= default &lt;= max, and 1 &lt;= maxLimitRequestRatio
 * &lt;= max/min; resources that cannot overcommit (extended, hugepages) have default equal to defaultRequest.
 */
final class LimitRangeValidation {

    static final Set<String> TYPES = Set.of("Pod", "Container", "PersistentVolumeClaim");

    private LimitRangeValidation() {
    }

    static List<FieldError> validate(LimitRange lr) {
        List<FieldError> errs = new ArrayList<>();
        List<LimitRangeItem> items = lr.getSpec() == null || lr.getSpec().getLimits() == null
                ? List.of() : lr.getSpec().getLimits();
        Set<String> types = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            item(items.get(i), "spec.limits[" + i + "]", types, errs);
        }
        return errs;
    }

    private static void item(LimitRangeItem item, String path, Set<String> types, List<FieldError> errs) {
        String type = item.getType() == null ? "" : item.getType();
        typeName(type, path + ".type", errs);
        if (!types.add(type)) {
            errs.add(FieldError.duplicate(path + ".type", type));
        }
        Set<String> keys = new TreeSet<>();
        Map<String, Quantity> max = names(type, item.getMax(), path + ".max", keys, errs);
        Map<String, Quantity> min = names(type, item.getMin(), path + ".min", keys, errs);
        Map<String, Quantity> defaults = Map.of();
        Map<String, Quantity> defaultRequests = Map.of();
        if ("Pod".equals(type)) {
            if (notEmpty(item.getDefault())) {
                errs.add(FieldError.forbidden(path + ".default", "may not be specified when `type` is 'Pod'"));
            }
            if (notEmpty(item.getDefaultRequest())) {
                errs.add(FieldError.forbidden(path + ".defaultRequest", "may not be specified when `type` is 'Pod'"));
            }
        } else {
            defaults = names(type, item.getDefault(), path + ".default", keys, errs);
            defaultRequests = names(type, item.getDefaultRequest(), path + ".defaultRequest", keys, errs);
        }
        if ("PersistentVolumeClaim".equals(type) && !max.containsKey("storage") && !min.containsKey("storage")) {
            errs.add(FieldError.required(path + ".limits",
                    "either minimum or maximum storage value is required, but neither was provided"));
        }
        Map<String, Quantity> ratios = names(type, item.getMaxLimitRequestRatio(), path + ".maxLimitRequestRatio", keys, errs);
        for (String k : keys) {
            bounds(k, path, min.get(k), max.get(k), defaults.get(k), defaultRequests.get(k), ratios.get(k), errs);
        }
    }

    private static void bounds(String k, String path, Quantity min, Quantity max, Quantity def, Quantity defReq,
                               Quantity ratio, List<FieldError> errs) {
        String key = "[" + k + "]";
        if (greater(min, max)) {
            errs.add(FieldError.invalid(path + ".min" + key, PrintedQuantities.printed(min),
                    "min value " + text(min) + " is greater than max value " + text(max)));
        }
        if (greater(min, defReq)) {
            errs.add(FieldError.invalid(path + ".defaultRequest" + key, PrintedQuantities.printed(defReq),
                    "min value " + text(min) + " is greater than default request value " + text(defReq)));
        }
        if (greater(defReq, max)) {
            errs.add(FieldError.invalid(path + ".defaultRequest" + key, PrintedQuantities.printed(defReq),
                    "default request value " + text(defReq) + " is greater than max value " + text(max)));
        }
        if (greater(defReq, def)) {
            errs.add(FieldError.invalid(path + ".defaultRequest" + key, PrintedQuantities.printed(defReq),
                    "default request value " + text(defReq) + " is greater than default limit value " + text(def)));
        }
        if (greater(min, def)) {
            errs.add(FieldError.invalid(path + ".default" + key, PrintedQuantities.printed(min),
                    "min value " + text(min) + " is greater than default value " + text(def)));
        }
        if (greater(def, max)) {
            errs.add(FieldError.invalid(path + ".default" + key, PrintedQuantities.printed(max),
                    "default value " + text(def) + " is greater than max value " + text(max)));
        }
        if (ratio != null && compare(ratio, new Quantity("1")) < 0) {
            errs.add(FieldError.invalid(path + ".maxLimitRequestRatio" + key, PrintedQuantities.printed(ratio),
                    "ratio " + text(ratio) + " is less than 1"));
        }
        if (ratio != null && min != null && max != null) {
            BigDecimal lo = PrintedQuantities.amount(min);
            BigDecimal hi = PrintedQuantities.amount(max);
            BigDecimal r = PrintedQuantities.amount(ratio);
            if (lo != null && hi != null && r != null && lo.signum() != 0) {
                double limit = milli(hi) / milli(lo);
                if (milli(r) / 1000 > limit) {
                    errs.add(FieldError.invalid(path + ".maxLimitRequestRatio" + key, PrintedQuantities.printed(ratio),
                            "ratio " + text(ratio) + " is greater than max/min = " + String.format(Locale.ROOT, "%f", limit)));
                }
            }
        }
        if (!ResourceNames.overcommitAllowed(k) && def != null && defReq != null && compare(def, defReq) != 0) {
            errs.add(FieldError.invalid(path + ".defaultRequest" + key, PrintedQuantities.printed(defReq),
                    "default value " + text(def) + " must equal to defaultRequest value " + text(defReq) + " in " + k));
        }
    }

    /** A quantity in milli units, as kube compares the ratio (whole units beyond what milli units hold). */
    private static double milli(BigDecimal v) {
        return v.movePointRight(3).setScale(0, RoundingMode.CEILING).doubleValue();
    }

    private static void typeName(String type, String path, List<FieldError> errs) {
        List<String> msgs = NameValidation.qualifiedName(type);
        msgs.forEach(m -> errs.add(FieldError.invalid(path, type, m)));
        if (msgs.isEmpty() && !type.contains("/") && !TYPES.contains(type)) {
            errs.add(FieldError.invalid(path, type, "must be a standard limit type or fully qualified"));
        }
    }

    private static Map<String, Quantity> names(String type, Map<String, Quantity> values, String path, Set<String> keys,
                                               List<FieldError> errs) {
        if (values == null) {
            return Map.of();
        }
        for (String k : new TreeMap<>(values).keySet()) {
            errs.addAll("Pod".equals(type) || "Container".equals(type)
                    ? ResourceNames.validateContainerName(k, path + "[" + k + "]")
                    : ResourceNames.validateName(k, path + "[" + k + "]"));
            keys.add(k);
        }
        return values;
    }

    private static boolean greater(Quantity a, Quantity b) {
        return a != null && b != null && compare(a, b) > 0;
    }

    private static int compare(Quantity a, Quantity b) {
        BigDecimal x = PrintedQuantities.amount(a);
        BigDecimal y = PrintedQuantities.amount(b);
        return x == null || y == null ? 0 : x.compareTo(y);
    }

    private static String text(Quantity q) {
        return PrintedQuantities.canonical(q);
    }

    private static boolean notEmpty(Map<String, Quantity> m) {
        return m != null && !m.isEmpty();
    }
}
