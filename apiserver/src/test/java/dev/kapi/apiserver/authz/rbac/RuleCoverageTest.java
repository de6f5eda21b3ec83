package dev.kapi.apiserver.authz.rbac;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.kapi.apiserver.authz.rbac.Rules.resourceRule;
import static dev.kapi.apiserver.authz.rbac.Rules.rule;
import static dev.kapi.apiserver.authz.rbac.Rules.urlRule;
import static org.assertj.core.api.Assertions.assertThat;

/** kube's {@code validation.Covers}: whether owner rules grant everything servant rules do. */
class RuleCoverageTest {

    record Case(String what, List<PolicyRule> owner, List<PolicyRule> servant, boolean covered) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Case> cases() {
        PolicyRule getPods = resourceRule(List.of(""), List.of("pods"), List.of("get"));
        return Stream.of(
                new Case("same rule", List.of(getPods), List.of(getPods), true),
                new Case("split across owner rules", List.of(getPods,
                        resourceRule(List.of(""), List.of("pods"), List.of("list"))),
                        List.of(resourceRule(List.of(""), List.of("pods"), List.of("get", "list"))), true),
                new Case("missing verb", List.of(getPods),
                        List.of(resourceRule(List.of(""), List.of("pods"), List.of("get", "delete"))), false),
                new Case("star covers all", List.of(resourceRule(List.of("*"), List.of("*"), List.of("*"))),
                        List.of(resourceRule(List.of("apps"), List.of("deployments/scale"), List.of("patch"))), true),
                new Case("star resources do not cover URLs",
                        List.of(resourceRule(List.of("*"), List.of("*"), List.of("*"))),
                        List.of(urlRule(List.of("/healthz"), List.of("get"))), false),
                new Case("*/scale covers a scale", List.of(resourceRule(List.of("apps"), List.of("*/scale"),
                        List.of("get"))), List.of(resourceRule(List.of("apps"), List.of("deployments/scale"),
                        List.of("get"))), true),
                new Case("named owner does not cover unnamed", List.of(rule(List.of(""), List.of("pods"),
                        List.of("a"), List.of(), List.of("get"))), List.of(getPods), false),
                new Case("unnamed owner covers named", List.of(getPods), List.of(rule(List.of(""), List.of("pods"),
                        List.of("a"), List.of(), List.of("get"))), true),
                new Case("URL prefix covers", List.of(urlRule(List.of("/logs/*"), List.of("get"))),
                        List.of(urlRule(List.of("/logs/a", "/logs/b/c"), List.of("get"))), true),
                new Case("URL prefix does not cover other paths", List.of(urlRule(List.of("/logs/*"),
                        List.of("get"))), List.of(urlRule(List.of("/metrics"), List.of("get"))), false),
                new Case("nothing covers something", List.of(), List.of(getPods), false),
                new Case("nothing covers nothing", List.of(), List.of(), true));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void covers(Case c) {
        assertThat(RuleCoverage.covers(c.owner(), c.servant())).as(c.what()).isEqualTo(c.covered());
    }

    @Test
    void describesMissingRulesCompactedAndSorted() {
        List<PolicyRule> missing = RuleCoverage.uncovered(List.of(), List.of(
                resourceRule(List.of(""), List.of("secrets", "configmaps"), List.of("get", "list")),
                urlRule(List.of("/metrics"), List.of("get"))));
        assertThat(RuleCoverage.describeMissing(missing)).isEqualTo("""
                {APIGroups:[""], Resources:["configmaps"], Verbs:["get" "list"]}
                {APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}
                {NonResourceURLs:["/metrics"], Verbs:["get"]}""");
    }
}
