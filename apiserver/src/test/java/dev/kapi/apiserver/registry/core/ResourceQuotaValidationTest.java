package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static dev.kapi.apiserver.registry.core.CoreStrategiesTest.read;
import static org.assertj.core.api.Assertions.assertThat;

/** kube's ValidateResourceQuota, case by case: the spec (as kubectl create quota sends it) and the causes. */
class ResourceQuotaValidationTest {

    private final ResourceQuotaStrategy strategy = new ResourceQuotaStrategy();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'hard':{'pods':'1'}}|",
            "{'hard':{'pods':'1','requests.cpu':'1','count/configmaps':'5','requests.nvidia.com/gpu':'2'}}|",
            "{'hard':{'pods':'1'},'scopes':['BestEffort']}|",
            "{'hard':{'cpu':'1','pods':'2'},'scopes':['NotBestEffort','Terminating']}|",
            "{'hard':{'pods':'1'},'scopes':['Foo']}|spec.scopes: Invalid value: []core.ResourceQuotaScope{\"Foo\"}: unsupported scope",
            "{'hard':{'pods':'1'},'scopes':['BestEffort','NotBestEffort']}|spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\", \"NotBestEffort\"}: conflicting scopes",
            "{'hard':{'pods':'1'},'scopes':['Terminating','NotTerminating']}|spec.scopes: Invalid value: []core.ResourceQuotaScope{\"Terminating\", \"NotTerminating\"}: conflicting scopes",
            "{'hard':{'cpu':'1'},'scopes':['BestEffort']}|spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\"}: unsupported scope applied to resource",
            "{'hard':{'services':'1'},'scopes':['NotTerminating']}|spec.scopes: Invalid value: []core.ResourceQuotaScope{\"NotTerminating\"}: unsupported scope applied to resource",
            "{'hard':{'pods':'-1','foo':'1'}}|spec.hard[foo]: Invalid value: \"foo\": must be a standard resource type or fully qualified;"
                    + "spec.hard[foo]: Invalid value: \"foo\": must be a standard resource for quota;"
                    + "spec.hard[pods]: Invalid value: \"-1\": must be greater than or equal to 0",
            "{'hard':{'storage':'1Gi'}}|spec.hard[storage]: Invalid value: \"storage\": must be a standard resource for quota",
            "{'hard':{'pods':'1.5','memory':'1.5Gi'}}|spec.hard[pods]: Invalid value: 1500m: must be an integer",
            "{'hard':{'pods':'1'},'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass','operator':'In','values':['high']}]}}|",
            "{'hard':{'pods':'1'},'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass','operator':'In'}]}}|spec.scopeSelector.matchExpressions.values: Required value: must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
            "{'hard':{'pods':'1'},'scopeSelector':{'matchExpressions':[{'scopeName':'BestEffort','operator':'In','values':['x']}]}}|spec.scopeSelector.matchExpressions.operator: Invalid value: \"In\": must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity",
            "{'hard':{'pods':'1'},'scopeSelector':{'matchExpressions':[{'scopeName':'Foo','operator':'Exists'}]}}|spec.scopeSelector.matchExpressions.scopeName: Invalid value: \"Foo\": unsupported scope",
            "{'hard':{'pods':'1'},'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass','operator':'Exists','values':['a']}]}}|spec.scopeSelector.matchExpressions.values: Invalid value: []string{\"a\"}: must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector",
            "{'hard':{'pods':'1'},'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass','operator':'Near'}]}}|spec.scopeSelector.matchExpressions.operator: Invalid value: \"Near\": not a valid selector operator",
            "{'hard':{'memory':'1'},'scopeSelector':{'matchExpressions':[{'scopeName':'BestEffort','operator':'Exists'}]}}|spec.scopeSelector.matchExpressions: Invalid value: core.ScopeSelector{MatchExpressions:[]core.ScopedResourceSelectorRequirement{core.ScopedResourceSelectorRequirement{ScopeName:\"BestEffort\", Operator:\"Exists\", Values:[]string(nil)}}}: unsupported scope applied to resource",
            "{'scopeSelector':{'matchExpressions':[{'scopeName':'BestEffort','operator':'Exists'},{'scopeName':'NotBestEffort','operator':'Exists'}]}}|spec.scopeSelector.matchExpressions: Invalid value: []core.ResourceQuotaScope(nil): conflicting scopes"})
    void spec(String spec, String expected) {
        ResourceQuota q = read("{'metadata':{'name':'q'},'spec':" + spec + "}", ResourceQuota.class);
        String[] want = expected == null ? new String[0] : expected.split(";");
        assertThat(strategy.validate(q)).map(FieldError::toString).containsExactly(want);
    }

    @Test
    void statusQuantitiesAndNames() {
        ResourceQuota q = read("{'metadata':{'name':'q'},'spec':{'hard':{'pods':'1'}},"
                + "'status':{'hard':{'pods':'1'},'used':{'pods':'-2','bogus':'1'}}}", ResourceQuota.class);
        assertThat(strategy.validateStatusUpdate(q, q)).map(FieldError::toString).containsExactly(
                "status.used[bogus]: Invalid value: \"bogus\": must be a standard resource type or fully qualified",
                "status.used[bogus]: Invalid value: \"bogus\": must be a standard resource for quota",
                "status.used[pods]: Invalid value: \"-2\": must be greater than or equal to 0");
    }

    @Test
    void scopesAreImmutable() {
        ResourceQuota old = read("{'metadata':{'name':'q'},'spec':{'hard':{'pods':'1'},'scopes':['BestEffort']}}",
                ResourceQuota.class);
        ResourceQuota same = read("{'metadata':{'name':'q'},'spec':{'hard':{'pods':'2'},'scopes':['BestEffort']}}",
                ResourceQuota.class);
        ResourceQuota changed = read("{'metadata':{'name':'q'},'spec':{'hard':{'pods':'1'},'scopes':['NotBestEffort']}}",
                ResourceQuota.class);
        assertThat(strategy.validateUpdate(same, old)).isEmpty();
        assertThat(strategy.validateUpdate(changed, old)).map(FieldError::toString).containsExactly(
                "spec.scopes: Invalid value: []core.ResourceQuotaScope{\"NotBestEffort\"}: field is immutable");
        assertThat(Arrays.asList("1500m", "1Gi", "1k", "500m", "0")).containsExactly(
                canonical("1.5"), canonical("1024Mi"), canonical("1000"), canonical("0.5"), canonical("0m"));
    }

    private static String canonical(String text) {
        return dev.kapi.apiserver.registry.validation.PrintedQuantities.canonical(new io.fabric8.kubernetes.api.model.Quantity(text));
    }
}
