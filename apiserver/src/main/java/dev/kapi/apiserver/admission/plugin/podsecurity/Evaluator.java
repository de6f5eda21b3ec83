package dev.kapi.apiserver.admission.plugin.podsecurity;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs the checks of a level at a version on a pod (kube's {@code policy.Evaluator}). For each policy version
 * from v1.0 to the newest any check names, each check contributes the revision in force at that version;
 * restricted is its own checks plus the baseline checks its revisions do not override. Checks run in order of
 * their ids, baseline first, so messages list violations in kube's order. A version newer than the newest
 * known (and {@code latest}) means the newest known; an emulated version (a server that follows an older kube
 * release) lowers that newest to itself, as kube-apiserver's {@code --emulated-version} does.
 */
public final class Evaluator {

    /** Every check of the Pod Security Standards, as in kube's current release. */
    public static List<Check> allChecks() {
        return Stream.of(HostChecks.all(), VolumeChecks.all(), PrivilegeChecks.all(), UserChecks.all(),
                ProfileChecks.all()).flatMap(List::stream).toList();
    }

    private final Map<Integer, List<Check.Rule>> baseline = new HashMap<>();
    private final Map<Integer, List<Check.Rule>> restricted = new HashMap<>();
    private final PolicyVersion newest;

    /** kube's current checks, with no emulated version. */
    public Evaluator() {
        this(allChecks(), null);
    }

    /**
     * @param emulated the version of kube this server follows (null: none); versions after it mean it
     * @throws IllegalArgumentException when the checks are not well formed (ids twice, versions not increasing,
     *     a baseline check overriding, an override of a restricted check)
     */
    public Evaluator(List<Check> checks, PolicyVersion emulated) {
        validate(checks);
        PolicyVersion max = PolicyVersion.of(1, 0);
        for (Check c : checks) {
            PolicyVersion last = c.revisions().getLast().since();
            if (max.olderThan(last)) {
                max = last;
            }
        }
        List<Check> ordered = new ArrayList<>(checks);
        ordered.sort(Comparator.comparing((Check c) -> c.level() == Level.RESTRICTED).thenComparing(Check::id));
        for (int minor = 0; minor <= max.minor(); minor++) {
            Map<String, Check.Revision> baselineAt = new LinkedHashMap<>();
            Map<String, Check.Revision> restrictedAt = new LinkedHashMap<>();
            Set<String> overridden = new HashSet<>();
            for (Check c : ordered) {
                Check.Revision r = revisionAt(c, minor);
                if (r != null) {
                    (c.level() == Level.BASELINE ? baselineAt : restrictedAt).put(c.id(), r);
                    overridden.addAll(c.level() == Level.RESTRICTED ? r.overrides() : Set.of());
                }
            }
            List<Check.Rule> restrictedRules = new ArrayList<>();
            baselineAt.forEach((id, r) -> {
                if (!overridden.contains(id)) {
                    restrictedRules.add(r.rule());
                }
            });
            restrictedAt.values().forEach(r -> restrictedRules.add(r.rule()));
            baseline.put(minor, baselineAt.values().stream().map(Check.Revision::rule).toList());
            restricted.put(minor, List.copyOf(restrictedRules));
        }
        this.newest = emulated != null && emulated.olderThan(max) ? emulated : max;
    }

    /** The newest policy version this evaluator checks ({@code latest} means it). */
    public PolicyVersion newest() {
        return newest;
    }

    /** Every check's verdict on the pod for the level at the version (none for privileged). */
    public List<CheckResult> evaluate(LevelVersion lv, ObjectMeta meta, PodSpec spec) {
        if (lv.level() == Level.PRIVILEGED) {
            return List.of();
        }
        PolicyVersion v = newest.olderThan(lv.version()) ? newest : lv.version();
        List<Check.Rule> rules = (lv.level() == Level.BASELINE ? baseline : restricted).getOrDefault(v.minor(),
                List.of());
        ObjectMeta m = meta == null ? new ObjectMeta() : meta;
        PodSpec s = spec == null ? new PodSpec() : spec;
        return rules.stream().map(rule -> rule.check(m, s)).toList();
    }

    /** All verdicts together. */
    public CheckResult.Aggregate aggregate(LevelVersion lv, ObjectMeta meta, PodSpec spec) {
        return CheckResult.Aggregate.of(evaluate(lv, meta, spec));
    }

    private static Check.Revision revisionAt(Check c, int minor) {
        Check.Revision found = null;
        for (Check.Revision r : c.revisions()) {
            if (r.since().minor() <= minor) {
                found = r;
            }
        }
        return found;
    }

    private static void validate(List<Check> checks) {
        Map<String, Level> ids = new HashMap<>();
        for (Check c : checks) {
            if (ids.put(c.id(), c.level()) != null) {
                throw new IllegalArgumentException("multiple checks registered for ID " + c.id());
            }
            if (c.level() == Level.PRIVILEGED) {
                throw new IllegalArgumentException("check " + c.id() + ": invalid level " + c.level());
            }
            if (c.revisions().isEmpty()) {
                throw new IllegalArgumentException("check " + c.id() + ": empty");
            }
            PolicyVersion previous = null;
            for (Check.Revision r : c.revisions()) {
                if (r.since().latest() || r.since().major() != 1) {
                    throw new IllegalArgumentException("check " + c.id() + ": version must be v1.x");
                }
                if (previous != null && !previous.olderThan(r.since())) {
                    throw new IllegalArgumentException("check " + c.id() + ": versions must be strictly increasing");
                }
                previous = r.since();
            }
        }
        for (Check c : checks) {
            for (Check.Revision r : c.revisions()) {
                if (!r.overrides().isEmpty() && c.level() != Level.RESTRICTED) {
                    throw new IllegalArgumentException("check " + c.id() + ": only restricted checks may set overrides");
                }
                for (String o : r.overrides()) {
                    if (ids.get(o) == Level.RESTRICTED) {
                        throw new IllegalArgumentException("check " + c.id() + ": overrides restricted check " + o);
                    }
                }
            }
        }
    }
}
