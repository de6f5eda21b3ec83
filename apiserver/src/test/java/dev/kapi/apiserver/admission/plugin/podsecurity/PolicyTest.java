package dev.kapi.apiserver.admission.plugin.podsecurity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.Map;

/** A namespace's labels over the defaults, as kube's {@code PolicyToEvaluate} reads them. */
class PolicyTest {

    private static final Policy DEFAULTS = new Policy(lv("baseline:v1.30"), lv("privileged:latest"),
            lv("privileged:latest"));

    @ParameterizedTest(name = "{0} -> enforce={1} audit={2} warn={3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "-                                                | baseline:v1.30    | privileged:latest | privileged:latest",
            "enforce=restricted                               | restricted:v1.30  | privileged:latest | restricted:v1.30",
            "enforce=restricted,enforce-version=latest        | restricted:latest | privileged:latest | restricted:latest",
            "enforce=restricted,warn=baseline                 | restricted:v1.30  | privileged:latest | baseline:latest",
            "enforce=restricted,warn-version=v1.20            | restricted:v1.30  | privileged:latest | restricted:v1.20",
            "enforce=privileged                               | privileged:v1.30  | privileged:latest | privileged:latest",
            "enforce-version=v1.25                            | baseline:v1.25    | privileged:latest | privileged:latest",
            "audit=restricted,audit-version=v1.0              | baseline:v1.30    | restricted:v1.0   | privileged:latest",
            "warn=baseline,warn-version=v1.24                 | baseline:v1.30    | privileged:latest | baseline:v1.24",
            "other=label                                      | baseline:v1.30    | privileged:latest | privileged:latest",
    })
    void labelsOverDefaults(String labels, String enforce, String audit, String warn) {
        Policy.Parsed parsed = Policy.fromLabels(labels(labels), DEFAULTS);
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.policy()).isEqualTo(new Policy(lv(enforce), lv(audit), lv(warn)));
    }

    @ParameterizedTest(name = "{0} -> enforce={1} audit={2} warn={3}")
    @CsvSource(delimiter = '|', value = {
            // a bad enforce level is restricted (fail closed) and does not lead warn; audit and warn fail open
            "enforce=Restricted                | restricted:v1.30 | privileged:latest | privileged:latest | enforce | Restricted | must be one of privileged, baseline, restricted",
            "audit=strict                      | baseline:v1.30   | privileged:latest | privileged:latest | audit   | strict     | must be one of privileged, baseline, restricted",
            "warn=,enforce=restricted          | restricted:v1.30 | privileged:latest | privileged:latest | warn    | ''         | must be one of privileged, baseline, restricted",
            "enforce-version=1.25              | baseline:latest  | privileged:latest | privileged:latest | enforce-version | 1.25   | must be \"latest\" or \"v1.x\"",
            "enforce-version=v1.025            | baseline:latest  | privileged:latest | privileged:latest | enforce-version | v1.025 | must be \"latest\" or \"v1.x\"",
            "audit-version=v2.0                | baseline:v1.30   | privileged:latest | privileged:latest | audit-version   | v2.0   | must be \"latest\" or \"v1.x\"",
            "warn-version=v1.99999999999999    | baseline:v1.30   | privileged:latest | privileged:latest | warn-version    | v1.99999999999999 | must be \"latest\" or \"v1.x\"",
    })
    void aBadValueIsAFieldErrorAndStillGivesAPolicy(String labels, String enforce, String audit, String warn,
                                                   String label, String value, String detail) {
        Policy.Parsed parsed = Policy.fromLabels(labels(labels), DEFAULTS);
        assertThat(parsed.policy()).isEqualTo(new Policy(lv(enforce), lv(audit), lv(warn)));
        assertThat(parsed.errors()).containsExactly(FieldError.invalid(
                "metadata.labels[pod-security.kubernetes.io/" + label + "]", value, detail));
    }

    @Test
    void theFieldErrorReadsAsKubes() {
        Policy.Parsed parsed = Policy.fromLabels(Map.of(Policy.ENFORCE_LABEL, "strict"), Policy.PRIVILEGED);
        assertThat(parsed.errors().getFirst().toString()).isEqualTo("metadata.labels[pod-security.kubernetes.io/enforce]:"
                + " Invalid value: \"strict\": must be one of privileged, baseline, restricted");
    }

    @Test
    void versionsAreLatestOrV1Minor() {
        assertThat(PolicyVersion.parse("v1.0")).contains(PolicyVersion.of(1, 0));
        assertThat(PolicyVersion.parse("v1.32")).contains(PolicyVersion.of(1, 32));
        assertThat(PolicyVersion.parse("latest")).contains(PolicyVersion.LATEST);
        for (String bad : new String[] {"", "Latest", "v1", "v1.", "v1.-1", "v1.2.3", " v1.2", "v0.5"}) {
            assertThat(PolicyVersion.parse(bad)).as(bad).isEmpty();
        }
        assertThat(PolicyVersion.of(1, 9).olderThan(PolicyVersion.of(1, 10))).isTrue();
        assertThat(PolicyVersion.of(1, 99).olderThan(PolicyVersion.LATEST)).isTrue();
        assertThat(PolicyVersion.LATEST.olderThan(PolicyVersion.of(1, 99))).isFalse();
    }

    static LevelVersion lv(String s) {
        String[] parts = s.split(":");
        return new LevelVersion(Level.parse(parts[0]).orElseThrow(), PolicyVersion.parse(parts[1]).orElseThrow());
    }

    static Map<String, String> labels(String spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (spec != null) {
            for (String kv : spec.split(",")) {
                String[] parts = kv.split("=", -1);
                labels.put(Policy.LABEL_PREFIX + parts[0], parts[1]);
            }
        }
        return labels;
    }
}
