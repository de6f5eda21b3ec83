package dev.kapi.apiserver.admission.plugin.policy.validating;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The policies that have bindings, each with its bindings and its compiled expressions (kube's policy hooks),
 * derived again only when the {@link PolicySource}'s revision changes. A policy is compiled once per generation
 * (a status write does not recompile it); policies no binding refers to are dropped. Policies are in name
 * order, and so are each one's bindings, so the first denial reported does not depend on storage order.
 */
final class PolicyCache {

    /** A policy, its bindings and its compiled expressions. */
    record Hook(ValidatingAdmissionPolicy policy, List<ValidatingAdmissionPolicyBinding> bindings,
                CompiledPolicy compiled) {
    }

    private record Compiled(String uid, Long generation, String resourceVersion, CompiledPolicy policy) {
        boolean isFor(ValidatingAdmissionPolicy p) {
            var m = p.getMetadata();
            return Objects.equals(uid, m.getUid()) && (generation != null && generation.equals(m.getGeneration())
                    || generation == null && m.getGeneration() == null
                    && Objects.equals(resourceVersion, m.getResourceVersion()));
        }
    }

    private record Snapshot(long revision, List<Hook> hooks) {
    }

    private final PolicySource source;
    private final Map<String, Compiled> compiled = new HashMap<>(); // guarded by this
    private volatile Snapshot snapshot = new Snapshot(Long.MIN_VALUE, List.of());
    private int compilations; // guarded by this; for tests

    PolicyCache(PolicySource source) {
        this.source = source;
    }

    List<Hook> hooks() {
        Snapshot s = snapshot;
        return s.revision() == source.revision() ? s.hooks() : refresh();
    }

    synchronized int compilations() {
        return compilations;
    }

    private synchronized List<Hook> refresh() {
        long revision = source.revision(); // read before the lists: a change after it shows as a newer revision
        if (snapshot.revision() == revision) {
            return snapshot.hooks();
        }
        Map<String, List<ValidatingAdmissionPolicyBinding>> byPolicy = new TreeMap<>();
        for (ValidatingAdmissionPolicyBinding b : source.bindings()) {
            if (b.getSpec() != null && b.getSpec().getPolicyName() != null) {
                byPolicy.computeIfAbsent(b.getSpec().getPolicyName(), k -> new ArrayList<>()).add(b);
            }
        }
        Map<String, ValidatingAdmissionPolicy> policies = new HashMap<>();
        for (ValidatingAdmissionPolicy p : source.policies()) {
            if (p.getSpec() != null && validParamKind(p)) {
                policies.put(p.getMetadata().getName(), p);
            }
        }
        List<Hook> hooks = new ArrayList<>();
        for (Map.Entry<String, List<ValidatingAdmissionPolicyBinding>> e : byPolicy.entrySet()) {
            ValidatingAdmissionPolicy policy = policies.get(e.getKey());
            if (policy == null) {
                continue; // a binding may exist before its policy, or outlive it
            }
            List<ValidatingAdmissionPolicyBinding> bindings = new ArrayList<>(e.getValue());
            bindings.sort(Comparator.comparing(b -> b.getMetadata().getName()));
            hooks.add(new Hook(policy, List.copyOf(bindings), compile(policy)));
        }
        compiled.keySet().retainAll(hooks.stream().map(h -> h.policy().getMetadata().getName()).toList());
        snapshot = new Snapshot(revision, List.copyOf(hooks));
        return snapshot.hooks();
    }

    private CompiledPolicy compile(ValidatingAdmissionPolicy policy) {
        String name = policy.getMetadata().getName();
        Compiled c = compiled.get(name);
        if (c == null || !c.isFor(policy)) {
            var m = policy.getMetadata();
            c = new Compiled(m.getUid(), m.getGeneration(), m.getResourceVersion(), new CompiledPolicy(policy));
            compiled.put(name, c);
            compilations++;
        }
        return c.policy();
    }

    /** kube skips a policy whose paramKind apiVersion does not parse (more than one slash). */
    private static boolean validParamKind(ValidatingAdmissionPolicy p) {
        var kind = p.getSpec().getParamKind();
        return kind == null || kind.getApiVersion() == null || kind.getApiVersion().chars().filter(ch -> ch == '/').count() <= 1;
    }
}
