package dev.kapi.apiserver.admission.plugin.podsecurity;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;

import java.util.List;
import java.util.Set;

/**
 * One rule of the Pod Security Standards (kube's {@code policy.Check}): its id, the level it belongs to
 * (baseline rules also apply at restricted), and its revisions, each from the policy version it first applies
 * to, in increasing order. A restricted revision may replace baseline checks ({@code overrides}) at the versions
 * it covers, as {@code capabilities_restricted} replaces {@code capabilities_baseline}.
 */
public record Check(String id, Level level, List<Revision> revisions) {

    /** A check's verdict on a pod's metadata and spec (never null; both arguments non-null). */
    @FunctionalInterface
    public interface Rule {
        CheckResult check(ObjectMeta meta, PodSpec spec);
    }

    public record Revision(PolicyVersion since, Rule rule, Set<String> overrides) {
    }

    static Revision since(int minor, Rule rule) {
        return new Revision(PolicyVersion.of(1, minor), rule, Set.of());
    }

    static Revision since(int minor, Rule rule, String overrides) {
        return new Revision(PolicyVersion.of(1, minor), rule, Set.of(overrides));
    }

    static Check baseline(String id, Revision... revisions) {
        return new Check(id, Level.BASELINE, List.of(revisions));
    }

    static Check restricted(String id, Revision... revisions) {
        return new Check(id, Level.RESTRICTED, List.of(revisions));
    }
}
