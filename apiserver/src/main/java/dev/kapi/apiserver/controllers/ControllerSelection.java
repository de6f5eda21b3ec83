package dev.kapi.apiserver.controllers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --controllers}, as kube-controller-manager reads it: a list of controller names where {@code *} enables
 * every controller that is on by default, {@code foo} enables foo and {@code -foo} disables it; the first entry
 * naming a controller decides, and a controller no entry names is on when {@code *} is listed and it is on by
 * default. Names are kube's canonical ones ({@code deployment-controller}) or their older aliases
 * ({@code deployment}); a name kube does not know is refused, as kube-controller-manager refuses it. Kapi adds
 * one name of its own: {@code kube-scheduler}, the scheduler it runs in the same process.
 *
 * <p>Example: {@code *,-job,bootstrap-signer-controller} enables all the default controllers but the Job
 * controller, and the bootstrap signer (known, off by default; Kapi has none, so nothing runs for it).
 */
public final class ControllerSelection {

    /** kube's canonical names (cmd/kube-controller-manager/names) and their aliases ("" for none). */
    private static final Map<String, String> KNOWN = known(
            "serviceaccount-token-controller", "serviceaccount-token", "endpoints-controller", "endpoint",
            "endpointslice-controller", "endpointslice", "endpointslice-mirroring-controller",
            "endpointslicemirroring", "replicationcontroller-controller", "replicationcontroller",
            "pod-garbage-collector-controller", "podgc", "resourcequota-controller", "resourcequota",
            "namespace-controller", "namespace", "serviceaccount-controller", "serviceaccount",
            "garbage-collector-controller", "garbagecollector", "daemonset-controller", "daemonset",
            "job-controller", "job", "deployment-controller", "deployment", "replicaset-controller", "replicaset",
            "horizontal-pod-autoscaler-controller", "horizontalpodautoscaling", "disruption-controller", "disruption",
            "statefulset-controller", "statefulset", "cronjob-controller", "cronjob",
            "certificatesigningrequest-signing-controller", "csrsigning",
            "certificatesigningrequest-approving-controller", "csrapproving",
            "certificatesigningrequest-cleaner-controller", "csrcleaner", "ttl-controller", "ttl",
            "bootstrap-signer-controller", "bootstrapsigner", "token-cleaner-controller", "tokencleaner",
            "node-ipam-controller", "nodeipam", "node-lifecycle-controller", "nodelifecycle",
            "taint-eviction-controller", "", "persistentvolume-binder-controller", "persistentvolume-binder",
            "persistentvolume-attach-detach-controller", "attachdetach",
            "persistentvolume-expander-controller", "persistentvolume-expander",
            "clusterrole-aggregation-controller", "clusterrole-aggregation",
            "persistentvolumeclaim-protection-controller", "pvc-protection",
            "persistentvolume-protection-controller", "pv-protection",
            "ttl-after-finished-controller", "ttl-after-finished",
            "root-ca-certificate-publisher-controller", "root-ca-cert-publisher",
            "ephemeral-volume-controller", "ephemeral-volume",
            "storageversion-garbage-collector-controller", "storage-version-gc",
            "resourceclaim-controller", "resource-claim-controller",
            "legacy-serviceaccount-token-cleaner-controller", "legacy-service-account-token-cleaner",
            "validatingadmissionpolicy-status-controller", "", "service-cidr-controller", "",
            "storage-version-migrator-controller", "", "cloud-node-lifecycle-controller", "cloud-node-lifecycle",
            "service-lb-controller", "service", "node-route-controller", "route",
            "kube-scheduler", "");

    /** kube's controllers that {@code *} leaves off. */
    private static final Set<String> OFF_BY_DEFAULT = Set.of("bootstrap-signer-controller", "token-cleaner-controller",
            "resourceclaim-controller", "storage-version-migrator-controller");

    /** Every default controller ({@code --controllers=*}). */
    public static final ControllerSelection ALL = parse("*");

    private final List<String> entries;

    private ControllerSelection(List<String> entries) {
        this.entries = entries;
    }

    /**
     * Reads a {@code --controllers} value (comma-separated).
     *
     * @throws IllegalArgumentException naming the first entry that is no known controller
     */
    public static ControllerSelection parse(String flag) {
        List<String> entries = new ArrayList<>();
        for (String raw : flag.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            boolean off = entry.startsWith("-");
            String name = off ? entry.substring(1) : entry;
            if (!name.equals("*")) {
                name = canonical(name);
            }
            entries.add(off ? "-" + name : name);
        }
        return new ControllerSelection(List.copyOf(entries));
    }

    /** This selection without {@code name} (a canonical name): {@code -name} decides before any other entry. */
    public ControllerSelection without(String name) {
        List<String> less = new ArrayList<>(List.of("-" + name));
        less.addAll(entries);
        return new ControllerSelection(List.copyOf(less));
    }

    /** Only the controller of canonical name {@code name}. */
    public static ControllerSelection only(String name) {
        return new ControllerSelection(List.of(canonical(name)));
    }

    private static String canonical(String name) {
        if (KNOWN.containsKey(name)) {
            return name;
        }
        for (Map.Entry<String, String> e : KNOWN.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("\"" + name + "\" is not in the list of known controllers");
    }

    /** Whether {@code name} is a canonical name of a kube controller (or Kapi's kube-scheduler). */
    public static boolean known(String name) {
        return KNOWN.containsKey(name);
    }

    /** Whether the controller of this canonical name runs. */
    public boolean enabled(String name) {
        boolean star = false;
        for (String entry : entries) {
            if (entry.equals(name)) {
                return true;
            }
            if (entry.equals("-" + name)) {
                return false;
            }
            star |= entry.equals("*");
        }
        return star && !OFF_BY_DEFAULT.contains(name);
    }

    @Override
    public String toString() {
        return String.join(",", entries);
    }

    private static Map<String, String> known(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }
}
