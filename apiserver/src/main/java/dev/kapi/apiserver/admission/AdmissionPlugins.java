package dev.kapi.apiserver.admission;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * kube-apiserver's admission plugin names, their order and which are on by default
 * ({@code pkg/kubeapiserver/options/plugins.go}), and the {@code --enable-admission-plugins} /
 * {@code --disable-admission-plugins} rules: the order of the flags does not matter, the chain always runs in
 * kube's order; a name kube does not know is refused at startup with kube's message, and so is a kube plugin
 * this server does not implement (it would silently not run). Plugins of this server that are not kube
 * admission plugins (RBAC escalation prevention, which kube runs in the RBAC registry) are always on and run
 * first.
 */
public final class AdmissionPlugins {

    /** Every plugin kube-apiserver registers, in the order it runs them. */
    public static final List<String> ORDER = List.of(
            "AlwaysAdmit", "NamespaceAutoProvision", "NamespaceLifecycle", "NamespaceExists",
            "LimitPodHardAntiAffinityTopology", "LimitRanger", "ServiceAccount", "NodeRestriction",
            "TaintNodesByCondition", "AlwaysPullImages", "ImagePolicyWebhook", "PodSecurity", "PodNodeSelector",
            "Priority", "DefaultTolerationSeconds", "PodTolerationRestriction", "EventRateLimit",
            "ExtendedResourceToleration", "DefaultStorageClass", "StorageObjectInUseProtection",
            "OwnerReferencesPermissionEnforcement", "PersistentVolumeClaimResize", "RuntimeClass",
            "CertificateApproval", "CertificateSigning", "ClusterTrustBundleAttest", "CertificateSubjectRestriction",
            "DefaultIngressClass", "DenyServiceExternalIPs", "PodTopologyLabels", "MutatingAdmissionPolicy",
            "MutatingAdmissionWebhook", "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "ResourceQuota",
            "AlwaysDeny");

    /** The plugins kube-apiserver enables when no flag says otherwise. */
    public static final Set<String> DEFAULT_ON = Set.of(
            "NamespaceLifecycle", "LimitRanger", "ServiceAccount", "TaintNodesByCondition", "PodSecurity", "Priority",
            "DefaultTolerationSeconds", "DefaultStorageClass", "StorageObjectInUseProtection",
            "PersistentVolumeClaimResize", "RuntimeClass", "CertificateApproval", "CertificateSigning",
            "ClusterTrustBundleAttest", "CertificateSubjectRestriction", "DefaultIngressClass",
            "MutatingAdmissionPolicy", "MutatingAdmissionWebhook", "ValidatingAdmissionPolicy",
            "ValidatingAdmissionWebhook", "ResourceQuota");

    private AdmissionPlugins() {
    }

    /**
     * The kube plugins to run: the default-on ones this server implements, plus {@code enable}, minus
     * {@code disable}, in kube's order.
     *
     * @param implemented the kube plugin names this server has
     * @throws IllegalArgumentException in kube's words when a flag names an unknown plugin or both flags name
     *     the same one, and when {@code enable} names a kube plugin this server does not implement
     */
    public static List<String> enabled(List<String> enable, List<String> disable, Set<String> implemented) {
        List<String> errors = new ArrayList<>();
        unknown("enable", enable, errors);
        unknown("disable", disable, errors);
        Set<String> both = new TreeSet<>(enable);
        both.retainAll(disable);
        if (!both.isEmpty()) {
            errors.add("[" + String.join(" ", both) + "] in enable-admission-plugins and disable-admission-plugins"
                    + " overlapped");
        }
        for (String name : enable) {
            if (ORDER.contains(name) && !implemented.contains(name)) {
                errors.add("enable-admission-plugins plugin \"" + name + "\" is not supported by this server yet");
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", errors));
        }
        Set<String> on = new LinkedHashSet<>();
        for (String name : ORDER) {
            boolean wanted = enable.contains(name) || DEFAULT_ON.contains(name);
            if (wanted && !disable.contains(name) && implemented.contains(name)) {
                on.add(name);
            }
        }
        return List.copyOf(on);
    }

    private static void unknown(String flag, List<String> names, List<String> errors) {
        for (String name : names) {
            if (!ORDER.contains(name)) {
                errors.add(flag + "-admission-plugins plugin \"" + name + "\" is unknown");
            }
        }
    }
}
