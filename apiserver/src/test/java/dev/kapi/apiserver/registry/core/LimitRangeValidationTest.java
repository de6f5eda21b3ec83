package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.LimitRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.kapi.apiserver.registry.core.CoreStrategiesTest.read;
import static org.assertj.core.api.Assertions.assertThat;

/** kube's ValidateLimitRange after kube's defaults, case by case. */
class LimitRangeValidationTest {

    private final LimitRangeStrategy strategy = new LimitRangeStrategy();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[{'type':'Container','min':{'cpu':'100m'},'max':{'cpu':'1'},'default':{'cpu':'500m'}}]|",
            "[{'type':'Pod','max':{'cpu':'2','memory':'1Gi'}},{'type':'PersistentVolumeClaim','max':{'storage':'10Gi'}}]|",
            "[{'type':'example.com/thing','max':{'example.com/widgets':'3'}}]|",
            "[{'type':'Foo','max':{'cpu':'1'}}]|spec.limits[0].type: Invalid value: \"Foo\": must be a standard limit type or fully qualified",
            "[{'type':'Pod','min':{'cpu':'2'},'max':{'cpu':'1'}}]|spec.limits[0].min[cpu]: Invalid value: 2: min value 2 is greater than max value 1",
            "[{'type':'Container','min':{'cpu':'2'},'max':{'cpu':'1'}}]|spec.limits[0].min[cpu]: Invalid value: 2: min value 2 is greater than max value 1;"
                    + "spec.limits[0].defaultRequest[cpu]: Invalid value: 1: min value 2 is greater than default request value 1;"
                    + "spec.limits[0].default[cpu]: Invalid value: 2: min value 2 is greater than default value 1",
            "[{'type':'Container','default':{'memory':'1Gi'},'defaultRequest':{'memory':'2Gi'}}]|spec.limits[0].defaultRequest[memory]: Invalid value: 2Gi: default request value 2Gi is greater than default limit value 1Gi",
            "[{'type':'Container','max':{'cpu':'500m'},'default':{'cpu':'1'}}]|spec.limits[0].defaultRequest[cpu]: Invalid value: 1: default request value 1 is greater than max value 500m;"
                    + "spec.limits[0].default[cpu]: Invalid value: 500m: default value 1 is greater than max value 500m",
            "[{'type':'Pod','maxLimitRequestRatio':{'cpu':'500m'}}]|spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: 500m: ratio 500m is less than 1",
            "[{'type':'Pod','min':{'cpu':'1'},'max':{'cpu':'2'},'maxLimitRequestRatio':{'cpu':'3'}}]|spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: 3: ratio 3 is greater than max/min = 2.000000",
            "[{'type':'Pod','default':{'cpu':'1'}}]|spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
            "[{'type':'PersistentVolumeClaim','max':{'cpu':'1'}}]|spec.limits[0].limits: Required value: either minimum or maximum storage value is required, but neither was provided",
            "[{'type':'Container','max':{'storage':'1Gi'}}]|spec.limits[0].max[storage]: Invalid value: \"storage\": must be a standard resource for containers;"
                    + "spec.limits[0].default[storage]: Invalid value: \"storage\": must be a standard resource for containers;"
                    + "spec.limits[0].defaultRequest[storage]: Invalid value: \"storage\": must be a standard resource for containers",
            "[{'type':'Pod','max':{'cpu':'1'}},{'type':'Pod','max':{'cpu':'2'}}]|spec.limits[1].type: Duplicate value: \"Pod\"",
            "[{'type':'Container','default':{'example.com/gpu':'2'},'defaultRequest':{'example.com/gpu':'1'}}]|spec.limits[0].defaultRequest[example.com/gpu]: Invalid value: 1: default value 2 must equal to defaultRequest value 1 in example.com/gpu"})
    void limits(String limits, String expected) {
        LimitRange lr = read("{'metadata':{'name':'l'},'spec':{'limits':" + limits + "}}", LimitRange.class);
        strategy.applyDefaults(lr);
        String[] want = expected == null ? new String[0] : expected.split(";");
        assertThat(strategy.validate(lr)).map(FieldError::toString).containsExactly(want);
    }
}
