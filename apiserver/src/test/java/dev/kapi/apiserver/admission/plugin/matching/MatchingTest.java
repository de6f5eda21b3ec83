package dev.kapi.apiserver.admission.plugin.matching;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.testing.Attributes;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MatchingTest {

    private static final UserInfo USER = new UserInfo("alice", "", List.of(), Map.of());

    private static AdmissionAttributes pod(Operation op, String subresource, String namespace) {
        return Attributes.of(op, "", "v1", "pods", subresource, "Pod", namespace, "p",
                new PodBuilder().withNewMetadata().withName("p").addToLabels("app", "web").endMetadata().build(),
                null, USER, false);
    }

    private static Rule rule(String ops, String groups, String versions, String resources, String scope) {
        return new Rule(List.of(ops.split(" ")), List.of(groups.split(" ", -1)), List.of(versions.split(" ")),
                List.of(resources.split(" ")), scope.equals("-") ? null : scope, null);
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} {4} vs {5}/{6} in ''{7}'' -> {8}")
    @CsvSource(delimiter = '|', value = {
            "CREATE|''|v1|pods|*|CREATE||ns|true",
            "UPDATE|''|v1|pods|*|CREATE||ns|false",
            "*|''|v1|pods|*|DELETE||ns|true",
            "CREATE|apps|v1|pods|*|CREATE||ns|false",
            "CREATE|*|*|pods|*|CREATE||ns|true",
            "CREATE|''|v1|pods|*|CREATE|status|ns|false",
            "CREATE|''|v1|pods/*|*|CREATE|status|ns|true",
            "CREATE|''|v1|*/status|*|CREATE|status|ns|true",
            "CREATE|''|v1|*/status|*|CREATE||ns|false",
            "CREATE|''|v1|*/*|*|CREATE|eviction|ns|true",
            "CREATE|''|v1|*|*|CREATE|eviction|ns|false",
            "CREATE|''|v1|pods|Namespaced|CREATE||ns|true",
            "CREATE|''|v1|pods|Cluster|CREATE||ns|false",
            "CREATE|''|v1|pods|-|CREATE||ns|true",
    })
    void rules(String ops, String groups, String versions, String resources, String scope, Operation op,
               String subresource, String namespace, boolean matches) {
        assertThat(rule(ops, groups, versions, resources, scope).matches(pod(op, subresource, namespace)))
                .isEqualTo(matches);
    }

    @Test
    void aNamespaceObjectIsClusterScopedThoughItsNamespaceIsItsName() {
        AdmissionAttributes ns = Attributes.of(Operation.CREATE, "", "v1", "namespaces", "", "Namespace", "team",
                "team", new NamespaceBuilder().withNewMetadata().withName("team").endMetadata().build(), null, USER,
                false);
        assertThat(rule("CREATE", "", "v1", "namespaces", "Cluster").matches(ns)).isTrue();
        assertThat(rule("CREATE", "", "v1", "namespaces", "Namespaced").matches(ns)).isFalse();
    }

    @Test
    void resourceNamesMustListTheName() {
        Rule named = new Rule(List.of("*"), List.of("*"), List.of("*"), List.of("pods"), null, List.of("other"));
        assertThat(named.matches(pod(Operation.CREATE, "", "ns"))).isFalse();
        Rule p = new Rule(List.of("*"), List.of("*"), List.of("*"), List.of("pods"), null, List.of("p"));
        assertThat(p.matches(pod(Operation.CREATE, "", "ns"))).isTrue();
    }

    @Test
    void equivalentMatchingFindsAnotherServedVersion() {
        AdmissionAttributes a = Attributes.of(Operation.CREATE, "example.com", "v2", "widgets", "", "Widget", "ns",
                "w", null, null, USER, false);
        EquivalentResources versions = new EquivalentResources() {
            @Override
            public List<GroupVersionResource> equivalents(GroupVersionResource resource, String subresource) {
                return List.of(new GroupVersionResource("example.com", "v1", "widgets"), resource);
            }

            @Override
            public GroupVersionKind kindFor(GroupVersionResource resource, String subresource) {
                return new GroupVersionKind("example.com", resource.version(), "Widget");
            }
        };
        List<Rule> v1Only = List.of(rule("*", "example.com", "v1", "widgets", "*"));
        assertThat(Invocation.find(v1Only, "Exact", a, versions)).isEmpty();
        Invocation inv = Invocation.find(v1Only, "Equivalent", a, versions).orElseThrow();
        assertThat(inv.resource().version()).isEqualTo("v1");
        assertThat(inv.kind().version()).isEqualTo("v1");
        assertThat(inv.converted(a)).isTrue();
        assertThat(Invocation.find(List.of(rule("*", "*", "*", "*", "*")), "Equivalent", a, versions).orElseThrow()
                .converted(a)).isFalse();
    }

    @Test
    void selectors() {
        var prod = new LabelSelectorBuilder().addToMatchLabels("env", "prod").build();
        var web = new LabelSelectorBuilder().addToMatchLabels("app", "web").build();
        AdmissionAttributes a = pod(Operation.CREATE, "", "ns");
        assertThat(Selectors.namespaceMatches(prod, a, ns -> Optional.of(Map.of("env", "prod")))).isTrue();
        assertThat(Selectors.namespaceMatches(prod, a, ns -> Optional.of(Map.of("env", "dev")))).isFalse();
        assertThat(Selectors.namespaceMatches(null, a, ns -> Optional.empty())).isTrue();
        assertThatThrownBy(() -> Selectors.namespaceMatches(prod, a, ns -> Optional.empty()))
                .isInstanceOf(StatusError.class).hasMessageContaining("namespaces \"ns\" not found");
        AdmissionAttributes cluster = pod(Operation.CREATE, "", "");
        assertThat(Selectors.namespaceMatches(prod, cluster, ns -> Optional.empty())).isTrue();
        assertThat(Selectors.objectMatches(web, a)).isTrue();
        assertThat(Selectors.objectMatches(prod, a)).isFalse();
        assertThat(Selectors.objectMatches(prod, a.withObject(null))).isFalse();
    }
}
