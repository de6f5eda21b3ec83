package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import dev.kapi.apiserver.registry.validation.PrintedQuantities;
import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * kube's resource-name helpers ({@code pkg/apis/core/helper}) and the checks of resource names and quantities
 * that quotas, limit ranges and volumes share ({@code validateResourceName}, {@code ValidateResourceQuantityValue}).
 */
final class ResourceNames {

    static final Set<String> QUOTA = Set.of("cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
            "requests.storage", "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
            "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "persistentvolumeclaims",
            "configmaps", "services.nodeports", "services.loadbalancers");
    static final Set<String> STANDARD = Set.of("cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
            "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods",
            "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps", "persistentvolumeclaims",
            "storage", "requests.storage", "services.nodeports", "services.loadbalancers");
    static final Set<String> INTEGER = Set.of("pods", "resourcequotas", "services", "replicationcontrollers", "secrets",
            "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers");
    static final Set<String> CONTAINER = Set.of("cpu", "memory", "ephemeral-storage");

    private ResourceNames() {
    }

    static boolean hugePages(String name) {
        return name.startsWith("hugepages-");
    }

    static boolean quotaHugePages(String name) {
        return name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");
    }

    static boolean standardQuota(String name) {
        return QUOTA.contains(name) || quotaHugePages(name);
    }

    /** In the kubernetes.io namespace: unprefixed, or prefixed with a kubernetes.io domain. */
    static boolean nativeResource(String name) {
        return !name.contains("/") || name.contains("kubernetes.io/");
    }

    static boolean extended(String name) {
        return !nativeResource(name) && !name.startsWith("requests.")
                && NameValidation.qualifiedName("requests." + name).isEmpty();
    }

    static boolean overcommitAllowed(String name) {
        return nativeResource(name) && !hugePages(name);
    }

    /** kube's {@code validateResourceName}: a qualified name, and a standard one when unprefixed. */
    static List<FieldError> validateName(String name, String path) {
        List<FieldError> errs = new ArrayList<>();
        NameValidation.qualifiedName(name).forEach(m -> errs.add(FieldError.invalid(path, name, m)));
        if (errs.isEmpty() && !name.contains("/") && !(STANDARD.contains(name) || quotaHugePages(name))) {
            errs.add(FieldError.invalid(path, name, "must be a standard resource type or fully qualified"));
        }
        return errs;
    }

    /** kube's {@code validateContainerResourceName}. */
    static List<FieldError> validateContainerName(String name, String path) {
        List<FieldError> errs = validateName(name, path);
        if (!name.contains("/")) {
            if (!CONTAINER.contains(name) && !hugePages(name)) {
                errs.add(FieldError.invalid(path, name, "must be a standard resource for containers"));
            }
        } else if (!nativeResource(name) && !extended(name)) {
            errs.add(FieldError.invalid(path, name, "doesn't follow extended resource name standard"));
        }
        return errs;
    }

    /** kube's {@code ValidateResourceQuotaResourceName}. */
    static List<FieldError> validateQuotaName(String name, String path) {
        List<FieldError> errs = validateName(name, path);
        if (!name.contains("/") && !standardQuota(name)) {
            errs.add(FieldError.invalid(path, name, "must be a standard resource for quota"));
        }
        return errs;
    }

    /** kube's {@code ValidateResourceQuantityValue}: not negative, and whole for counted resources. */
    static List<FieldError> validateQuantity(String name, Quantity q, String path) {
        List<FieldError> errs = new ArrayList<>();
        BigDecimal v = PrintedQuantities.amount(q);
        if (v == null) {
            return errs;
        }
        if (v.signum() < 0) {
            errs.add(FieldError.invalid(path, PrintedQuantities.canonical(q), "must be greater than or equal to 0"));
        }
        if ((INTEGER.contains(name) || extended(name))
                && v.movePointRight(3).setScale(0, java.math.RoundingMode.UP).remainder(BigDecimal.valueOf(1000)).signum() != 0) {
            errs.add(FieldError.invalid(path, PrintedQuantities.printed(q), "must be an integer"));
        }
        return errs;
    }
}
