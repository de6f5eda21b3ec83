package dev.kapi.apiserver.admission.plugin.podsecurity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.apiserver.api.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import java.util.Set;

/** kube's PodSecurityConfiguration: defaults and exemptions, strict decoding, kube's validation. */
class PodSecurityConfigurationTest {

    private static JsonNode json(String s) {
        return Json.MAPPER.readTree(s.replace('\'', '"'));
    }

    @Test
    void noConfigurationIsPrivilegedEverywhereWithoutExemptions() {
        assertThat(PodSecurityConfiguration.parse(null)).isEqualTo(PodSecurityConfiguration.DEFAULT);
        assertThat(PodSecurityConfiguration.parse(json("{}"))).isEqualTo(PodSecurityConfiguration.DEFAULT);
        assertThat(PodSecurityConfiguration.DEFAULT.defaults()).isEqualTo(Policy.PRIVILEGED);
    }

    @Test
    void defaultsAndExemptionsAreRead() {
        PodSecurityConfiguration c = PodSecurityConfiguration.parse(json("{'apiVersion':"
                + "'pod-security.admission.config.k8s.io/v1','kind':'PodSecurityConfiguration','defaults':{'enforce':"
                + "'baseline','enforce-version':'v1.30','warn':'restricted'},'exemptions':{'usernames':['ci-bot'],"
                + "'namespaces':['kube-system','tools'],'runtimeClasses':['kata.v2']}}"));
        assertThat(c.defaults()).isEqualTo(new Policy(PolicyTest.lv("baseline:v1.30"), PolicyTest.lv("privileged:latest"),
                PolicyTest.lv("restricted:latest")));
        assertThat(c.exemptUsernames()).isEqualTo(Set.of("ci-bot"));
        assertThat(c.exemptNamespaces()).isEqualTo(Set.of("kube-system", "tools"));
        assertThat(c.exemptRuntimeClasses()).isEqualTo(Set.of("kata.v2"));
        for (String v : new String[] {"v1beta1", "v1alpha1"}) {
            assertThat(PodSecurityConfiguration.parse(json("{'apiVersion':'pod-security.admission.config.k8s.io/" + v
                    + "','kind':'PodSecurityConfiguration'}"))).isEqualTo(PodSecurityConfiguration.DEFAULT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{'kind':'PodSecurityConfiguration'}"
                    + " | expected kind PodSecurityConfiguration of pod-security.admission.config.k8s.io/v1, got kind"
                    + " \"PodSecurityConfiguration\" of apiVersion \"\"",
            "{'apiVersion':'pod-security.admission.config.k8s.io/v1','kind':'PodSecurityConfiguration','default':{}}"
                    + " | strict decoding error: unknown field \"default\"",
            "{'apiVersion':'pod-security.admission.config.k8s.io/v1','kind':'PodSecurityConfiguration','defaults':"
                    + "{'enforce':'Baseline'}}"
                    + " | defaults.enforce: Invalid value: \"Baseline\": must be one of privileged, baseline, restricted",
            "{'apiVersion':'pod-security.admission.config.k8s.io/v1','kind':'PodSecurityConfiguration','defaults':"
                    + "{'audit-version':'1.30','warnVersion':'latest'}}"
                    + " | [strict decoding error: unknown field \"defaults.warnVersion\", defaults.audit-version: Invalid"
                    + " value: \"1.30\": must be \"latest\" or \"v1.x\"]",
            "{'apiVersion':'pod-security.admission.config.k8s.io/v1','kind':'PodSecurityConfiguration','exemptions':"
                    + "{'namespaces':['Kube_System','a','a'],'usernames':['']}}"
                    + " | [exemptions.namespaces[0]: Invalid value: \"Kube_System\": a lowercase RFC 1123 label must"
                    + " consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric"
                    + " character, exemptions.namespaces[2]: Duplicate value: \"a\", exemptions.usernames[0]: Invalid"
                    + " value: \"\": username must not be empty]",
    })
    void aBadConfigurationIsRefusedWithEveryProblem(String config, String message) {
        assertThatThrownBy(() -> PodSecurityConfiguration.parse(json(config)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message.strip());
    }
}
