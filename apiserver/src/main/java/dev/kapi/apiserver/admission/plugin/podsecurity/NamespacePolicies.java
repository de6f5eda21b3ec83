package dev.kapi.apiserver.admission.plugin.podsecurity;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * PodSecurity on namespaces (kube's {@code ValidateNamespace}): a new namespace's PodSecurity labels must be valid
 * ({@code 422 Namespace "x" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "x":
 * must be one of privileged, baseline, restricted}); an update must not make them invalid (labels already bad and
 * unchanged in their errors pass). When an update makes the enforce level stricter, the namespace's existing pods
 * are checked against it and each kind of violation is a warning ({@code existing pods in namespace "x" violate
 * the new PodSecurity enforce level "restricted:latest"}, then {@code web-1 (and 2 other pods): privileged}); at most
 * {@value #MAX_PODS} pods, for at most a second. An exempt namespace given a policy is warned that it is ignored.
 */
final class NamespacePolicies {

    static final int MAX_PODS = 3000;
    static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(NamespacePolicies.class);

    private final PodSecurityConfiguration config;
    private final Evaluator evaluator;
    private final PodSecurity.Pods pods;
    private final int maxPods;
    private final Duration timeout;
    private final LongSupplier nanoTime;

    NamespacePolicies(PodSecurityConfiguration config, Evaluator evaluator, PodSecurity.Pods pods) {
        this(config, evaluator, pods, MAX_PODS, TIMEOUT, System::nanoTime);
    }

    NamespacePolicies(PodSecurityConfiguration config, Evaluator evaluator, PodSecurity.Pods pods, int maxPods,
                      Duration timeout, LongSupplier nanoTime) {
        this.config = config;
        this.evaluator = evaluator;
        this.pods = pods;
        this.maxPods = maxPods;
        this.timeout = timeout;
        this.nanoTime = nanoTime;
    }

    void validate(AdmissionAttributes a) {
        if (!a.mainResource()) {
            return;
        }
        if (!(a.object() instanceof Namespace namespace)) {
            throw StatusError.badRequest("failed to decode namespace");
        }
        Map<String, String> labels = labels(namespace);
        Policy.Parsed next = Policy.fromLabels(labels, config.defaults());
        if (a.operation() == Operation.CREATE) {
            if (!next.errors().isEmpty()) {
                throw invalid(a, next);
            }
            warnIfExempt(a, namespace, next.policy(), labels);
            return;
        }
        if (!(a.oldObject() instanceof Namespace old)) {
            throw StatusError.badRequest("failed to decode old namespace");
        }
        Policy.Parsed previous = Policy.fromLabels(labels(old), config.defaults());
        if (!next.errors().isEmpty() && (previous.errors().isEmpty() || !next.errors().equals(previous.errors()))) {
            throw invalid(a, next);
        }
        LevelVersion enforce = next.policy().enforce();
        LevelVersion before = previous.policy().enforce();
        if (enforce.equals(before) || enforce.level() == Level.PRIVILEGED
                || enforce.version().equals(before.version()) && !enforce.level().stricterThan(before.level())) {
            return;
        }
        if (exempt(a)) {
            warnIfExempt(a, namespace, next.policy(), labels);
            return;
        }
        existingPods(namespace.getMetadata().getName(), enforce).forEach(a.recorder()::warn);
    }

    private static Map<String, String> labels(Namespace ns) {
        return ns.getMetadata() == null || ns.getMetadata().getLabels() == null ? Map.of()
                : ns.getMetadata().getLabels();
    }

    private static StatusError invalid(AdmissionAttributes a, Policy.Parsed parsed) {
        return StatusError.invalid(a.kind().kind(), a.kind().group(), a.name(), parsed.errors());
    }

    private boolean exempt(AdmissionAttributes a) {
        return a.namespace() != null && !a.namespace().isEmpty() && config.exemptNamespaces().contains(a.namespace());
    }

    /** kube's warning that an exempt namespace's own policy does nothing, naming the modes its labels set. */
    private void warnIfExempt(AdmissionAttributes a, Namespace namespace, Policy policy, Map<String, String> labels) {
        if (!exempt(a) || policy.fullyPrivileged() || policy.equivalent(config.defaults())) {
            return;
        }
        List<String> modes = new ArrayList<>();
        mode(modes, "enforce", policy.enforce(), labels, Policy.ENFORCE_LABEL, Policy.ENFORCE_VERSION_LABEL);
        mode(modes, "audit", policy.audit(), labels, Policy.AUDIT_LABEL, Policy.AUDIT_VERSION_LABEL);
        mode(modes, "warn", policy.warn(), labels, Policy.WARN_LABEL, Policy.WARN_VERSION_LABEL);
        a.recorder().warn("namespace " + GoQuote.quote(namespace.getMetadata().getName())
                + " is exempt from Pod Security, and the policy (" + String.join(", ", modes) + ") will be ignored");
    }

    private static void mode(List<String> modes, String mode, LevelVersion lv, Map<String, String> labels,
                             String levelLabel, String versionLabel) {
        if (lv.level() != Level.PRIVILEGED && (labels.containsKey(levelLabel) || labels.containsKey(versionLabel))) {
            modes.add(mode + "=" + lv);
        }
    }

    /** kube's {@code EvaluatePodsInNamespace}: the warnings for the namespace's pods under a new enforce level. */
    List<String> existingPods(String namespace, LevelVersion enforce) {
        long deadline = nanoTime.getAsLong() + timeout.toNanos();
        List<Pod> listed;
        try {
            listed = pods.list(namespace);
        } catch (RuntimeException e) {
            LOG.warn("PodSecurity: failed to list pods of namespace {}: {}", namespace, e.toString());
            return List.of("failed to list pods while checking new PodSecurity enforce level");
        }
        List<Pod> ordered = prioritize(listed);
        int total = ordered.size();
        List<Pod> candidates = total > maxPods ? ordered.subList(0, maxPods) : ordered;
        int checked = candidates.size();
        Map<String, Violators> byReasons = new LinkedHashMap<>();
        for (int i = 0; i < candidates.size(); i++) {
            Pod pod = candidates.get(i);
            CheckResult.Aggregate r = evaluator.aggregate(enforce, pod.getMetadata(), pod.getSpec());
            if (!r.allowed()) {
                String name = pod.getMetadata().getName();
                byReasons.computeIfAbsent(r.reasons(), k -> new Violators(name)).add(name);
            }
            if (nanoTime.getAsLong() - deadline >= 0) {
                checked = i + 1;
                break;
            }
        }
        List<String> warnings = new ArrayList<>();
        if (checked < total) {
            warnings.add("new PodSecurity enforce level only checked against the first " + checked + " of " + total
                    + " existing pods");
        }
        if (!byReasons.isEmpty()) {
            warnings.add("existing pods in namespace " + GoQuote.quote(namespace)
                    + " violate the new PodSecurity enforce level " + GoQuote.quote(enforce.toString()));
        }
        List<String> podWarnings = new ArrayList<>();
        byReasons.forEach((reasons, pods) -> podWarnings.add(pods + ": " + reasons));
        podWarnings.sort(null);
        warnings.addAll(podWarnings);
        return warnings;
    }

    /** The pods with the same violations: named by the first name in order, and how many others there are. */
    private static final class Violators {
        private String first;
        private int count;

        Violators(String name) {
            this.first = name;
        }

        void add(String name) {
            if (name.compareTo(first) < 0) {
                first = name;
            }
            count++;
        }

        @Override
        public String toString() {
            return first + (count == 1 ? "" : count == 2 ? " (and 1 other pod)" : " (and " + (count - 1) + " other pods)");
        }
    }

    /**
     * kube's {@code prioritizePods}: pods of an exempt runtime class left out; the first pod of each controller
     * before the others of the same controller, so that few checks see many kinds of pods.
     */
    private List<Pod> prioritize(List<Pod> listed) {
        List<Pod> first = new ArrayList<>();
        List<Pod> duplicates = new ArrayList<>();
        Set<String> controllers = new HashSet<>();
        for (Pod pod : listed) {
            String runtimeClass = pod.getSpec() == null ? null : pod.getSpec().getRuntimeClassName();
            if (runtimeClass != null && config.exemptRuntimeClasses().contains(runtimeClass)) {
                continue;
            }
            String controller = controllerUid(pod);
            if (controller == null || controllers.add(controller)) {
                first.add(pod);
            } else {
                duplicates.add(pod);
            }
        }
        first.addAll(duplicates);
        return first;
    }

    private static String controllerUid(Pod pod) {
        if (pod.getMetadata() == null || pod.getMetadata().getOwnerReferences() == null) {
            return null;
        }
        for (OwnerReference ref : pod.getMetadata().getOwnerReferences()) {
            if (Boolean.TRUE.equals(ref.getController())) {
                return ref.getUid();
            }
        }
        return null;
    }
}
