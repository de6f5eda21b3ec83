package dev.kapi.apiserver.admission.plugin.podsecurity;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * kube-apiserver's PodSecurity admission (Pod Security Standards, {@code k8s.io/pod-security-admission}), on
 * creates and updates. A namespace's labels ({@link Policy}) or the configured defaults choose a level and version
 * per mode; then:
 *
 * <ul>
 * <li>a pod that violates the enforce level is refused: {@code 403 pods "x" is forbidden: violates PodSecurity
 *     "restricted:latest": allowPrivilegeEscalation != false (container "c" must set ...), ...}; a pod update is
 *     only checked when it changes what the checks read ({@link PodUpdates});</li>
 * <li>a pod or a workload's pod template that violates the warn level gets a warning ({@code would violate
 *     PodSecurity "restricted:latest": ...}), the audit level an audit annotation
 *     ({@code pod-security.kubernetes.io/audit-violations}); workloads are never refused;</li>
 * <li>the exempt usernames, namespaces and runtime classes of the {@link PodSecurityConfiguration} pass
 *     unchecked;</li>
 * <li>namespaces: see {@link NamespacePolicies} (bad labels refused, existing pods checked against a new
 *     enforce level).</li>
 * </ul>
 */
public final class PodSecurity implements ValidatingAdmission {

    /**
     * A namespace's labels, read from storage or a cache; a missing namespace is a 404 {@link StatusError}, a
     * failure to read another {@link StatusError}.
     */
    @FunctionalInterface
    public interface Namespaces {
        Map<String, String> labels(String namespace);
    }

    /** The pods of a namespace, for checking them against a namespace's new enforce level. */
    @FunctionalInterface
    public interface Pods {
        List<Pod> list(String namespace);
    }

    static final String ANNOTATION_PREFIX = Policy.LABEL_PREFIX;
    private static final GroupResource NAMESPACES = new GroupResource("", "namespaces");
    /** Pod subresources whose writes cannot change what the checks read (others are checked, failing safe). */
    private static final Set<String> IGNORED_POD_SUBRESOURCES = Set.of("exec", "attach", "binding", "eviction", "log",
            "portforward", "proxy", "status");

    private final PodSecurityConfiguration config;
    private final Evaluator evaluator;
    private final Namespaces namespaces;
    private final NamespacePolicies namespacePolicies;

    public PodSecurity(PodSecurityConfiguration config, Evaluator evaluator, Namespaces namespaces, Pods pods) {
        this(config, evaluator, namespaces, new NamespacePolicies(config, evaluator, pods));
    }

    PodSecurity(PodSecurityConfiguration config, Evaluator evaluator, Namespaces namespaces,
                NamespacePolicies namespacePolicies) {
        this.config = config;
        this.evaluator = evaluator;
        this.namespaces = namespaces;
        this.namespacePolicies = namespacePolicies;
    }

    @Override
    public String name() {
        return "PodSecurity";
    }

    @Override
    public void validate(AdmissionAttributes a) {
        if (a.operation() != Operation.CREATE && a.operation() != Operation.UPDATE) {
            return;
        }
        GroupResource gr = a.resource().groupResource();
        if (gr.equals(NAMESPACES)) {
            namespacePolicies.validate(a);
        } else if (gr.equals(PodTemplates.PODS)) {
            validatePod(a);
        } else if (PodTemplates.hasTemplate(gr)) {
            validateWorkload(a);
        }
    }

    private void validatePod(AdmissionAttributes a) {
        if (IGNORED_POD_SUBRESOURCES.contains(a.subresource()) || exempt(a)) {
            return;
        }
        Policy.Parsed parsed;
        try {
            parsed = Policy.fromLabels(namespaces.labels(a.namespace()), config.defaults());
        } catch (StatusError e) {
            String message = "failed to lookup namespace " + GoQuote.quote(a.namespace());
            annotate(a, "error", "Internal error occurred: " + message + ": " + e.getMessage());
            // kube answers 500 for any failure; a namespace that does not exist is the client's mistake
            throw e.code() == 404 ? StatusError.notFound(NAMESPACES, a.namespace()) : StatusError.internal(message);
        }
        if (parsed.errors().isEmpty() && parsed.policy().fullyPrivileged()) {
            annotate(a, "enforce-policy", LevelVersion.PRIVILEGED_LATEST.toString());
            return;
        }
        if (!(a.object() instanceof Pod pod)) {
            annotate(a, "error", "failed to decode pod");
            throw StatusError.badRequest("failed to decode pod");
        }
        if (a.operation() == Operation.UPDATE) {
            if (!(a.oldObject() instanceof Pod old)) {
                annotate(a, "error", "failed to decode old pod");
                throw StatusError.badRequest("failed to decode old pod");
            }
            if (!PodUpdates.significant(pod, old)) {
                return;
            }
        }
        PodTemplates.PodParts parts = PodTemplates.extract(pod).orElseThrow();
        evaluate(a, parsed, parts.meta(), parts.spec(), true);
    }

    private void validateWorkload(AdmissionAttributes a) {
        if (!a.mainResource() || exempt(a)) {
            return;
        }
        Policy.Parsed parsed;
        try {
            parsed = Policy.fromLabels(namespaces.labels(a.namespace()), config.defaults());
        } catch (StatusError e) {
            annotate(a, "error", "failed to lookup namespace " + GoQuote.quote(a.namespace()) + ": " + e.getMessage());
            return;
        }
        Policy p = parsed.policy();
        if (parsed.errors().isEmpty() && p.warn().level() == Level.PRIVILEGED && p.audit().level() == Level.PRIVILEGED) {
            return;
        }
        Optional<PodTemplates.PodParts> parts;
        try {
            parts = a.object() == null ? Optional.empty() : PodTemplates.extract(a.object());
        } catch (IllegalArgumentException e) {
            annotate(a, "error", "failed to extract pod template: " + e.getMessage());
            return;
        }
        parts.ifPresent(pod -> evaluate(a, parsed, pod.meta(), pod.spec(), false));
    }

    /** kube's exemptions by namespace and by user (runtime classes are looked at with the pod). */
    private boolean exempt(AdmissionAttributes a) {
        String namespace = a.namespace() == null ? "" : a.namespace();
        if (!namespace.isEmpty() && config.exemptNamespaces().contains(namespace)) {
            annotate(a, "exempt", "namespace");
            return true;
        }
        String user = a.user() == null || a.user().name() == null ? "" : a.user().name();
        if (!user.isEmpty() && config.exemptUsernames().contains(user)) {
            annotate(a, "exempt", "user");
            return true;
        }
        return false;
    }

    /**
     * kube's {@code EvaluatePod}: enforce (pods only) refuses, audit annotates, warn warns unless the request is
     * refused anyway; a level and version evaluated once serves every mode that asks for it.
     */
    private void evaluate(AdmissionAttributes a, Policy.Parsed parsed, ObjectMeta meta, PodSpec spec,
                          boolean enforce) {
        String runtimeClass = spec.getRuntimeClassName();
        if (runtimeClass != null && config.exemptRuntimeClasses().contains(runtimeClass)) {
            annotate(a, "exempt", "runtimeClass");
            return;
        }
        Policy policy = parsed.policy();
        if (!parsed.errors().isEmpty()) {
            annotate(a, "error", "Failed to parse policy: " + aggregate(parsed.errors()));
        }
        Map<LevelVersion, CheckResult.Aggregate> results = new HashMap<>();
        StatusError refusal = null;
        if (enforce) {
            annotate(a, "enforce-policy", policy.enforce().toString());
            CheckResult.Aggregate r = results.computeIfAbsent(policy.enforce(), lv -> evaluator.aggregate(lv, meta, spec));
            if (!r.allowed()) {
                refusal = StatusError.forbidden(a.resource().groupResource(), a.name(), "violates PodSecurity \""
                        + policy.enforce() + "\": " + r.details());
            }
        }
        CheckResult.Aggregate audit = results.computeIfAbsent(policy.audit(), lv -> evaluator.aggregate(lv, meta, spec));
        if (!audit.allowed()) {
            annotate(a, "audit-violations", "would violate PodSecurity \"" + policy.audit() + "\": " + audit.details());
        }
        if (refusal != null) {
            throw refusal;
        }
        CheckResult.Aggregate warn = results.computeIfAbsent(policy.warn(), lv -> evaluator.aggregate(lv, meta, spec));
        if (!warn.allowed()) {
            a.recorder().warn("would violate PodSecurity \"" + policy.warn() + "\": " + warn.details());
        }
    }

    static void annotate(AdmissionAttributes a, String key, String value) {
        a.recorder().annotate(ANNOTATION_PREFIX + key, value);
    }

    /** apimachinery's aggregate error text: one message alone, several in brackets. */
    static String aggregate(List<FieldError> errors) {
        return errors.size() == 1 ? errors.getFirst().toString()
                : "[" + String.join(", ", errors.stream().map(FieldError::toString).toList()) + "]";
    }
}
