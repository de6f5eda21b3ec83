package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PodStrategyTest {

    private final PodStrategy strategy = new PodStrategy();

    static Pod pod(String json) {
        return Json.read(json.replace('\'', '"').getBytes(), Pod.class);
    }

    static Pod simple() {
        return pod("{'metadata':{'name':'p','namespace':'default'},'spec':{'containers':[{'name':'c','image':'nginx',"
                + "'ports':[{'containerPort':80}]}]}}");
    }

    @Test
    void defaults() {
        Pod p = simple();
        strategy.applyDefaults(p);
        var spec = p.getSpec();
        assertThat(spec.getRestartPolicy()).isEqualTo("Always");
        assertThat(spec.getDnsPolicy()).isEqualTo("ClusterFirst");
        assertThat(spec.getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(spec.getSchedulerName()).isEqualTo("default-scheduler");
        assertThat(spec.getSecurityContext()).isNotNull();
        assertThat(spec.getEnableServiceLinks()).isTrue();
        var c = spec.getContainers().get(0);
        assertThat(c.getImagePullPolicy()).isEqualTo("Always");
        assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(c.getTerminationMessagePolicy()).isEqualTo("File");
        assertThat(c.getPorts().get(0).getProtocol()).isEqualTo("TCP");
    }

    @ParameterizedTest
    @CsvSource({"nginx,Always", "nginx:latest,Always", "nginx:1.27,IfNotPresent", "localhost:5000/app,Always",
            "localhost:5000/app:v1,IfNotPresent", "nginx@sha256:abc,IfNotPresent"})
    void pullPolicy(String image, String expected) {
        assertThat(PodSpecDefaults.pullPolicy(image)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}|BestEffort",
            "{'requests':{'cpu':'100m'}}|Burstable",
            "{'limits':{'cpu':'1','memory':'1Gi'}}|Guaranteed",
            "{'requests':{'cpu':'1','memory':'1Gi'},'limits':{'cpu':'1','memory':'1Gi'}}|Guaranteed",
            "{'requests':{'cpu':'500m','memory':'1Gi'},'limits':{'cpu':'1','memory':'1Gi'}}|Burstable",
            "{'limits':{'cpu':'1'}}|Burstable"})
    void qosClass(String resources, String expected) {
        Pod p = pod("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'x','resources':" + resources + "}]}}");
        strategy.applyDefaults(p);
        strategy.prepareForCreate(p);
        assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(p.getStatus().getQosClass()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'containers':[]}|spec.containers: Required value",
            "{'containers':[{'name':'c'}]}|spec.containers[0].image: Required value",
            "{'containers':[{'name':'c','image':' x'}]}|spec.containers[0].image: Invalid value: \" x\": must not have leading or trailing whitespace",
            "{'containers':[{'name':'c','image':'x'},{'name':'c','image':'y'}]}|spec.containers[1].name: Duplicate value: \"c\"",
            "{'containers':[{'name':'c','image':'x','ports':[{'containerPort':70000}]}]}|spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "{'containers':[{'name':'c','image':'x','ports':[{'containerPort':80,'protocol':'HTTP'}]}]}|spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            "{'restartPolicy':'Sometimes','containers':[{'name':'c','image':'x'}]}|spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
            "{'containers':[{'name':'c','image':'x','resources':{'requests':{'cpu':'2'},'limits':{'cpu':'1'}}}]}|spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"})
    void validation(String spec, String expected) {
        Pod p = pod("{'metadata':{'name':'p'},'spec':" + spec + "}");
        strategy.applyDefaults(p);
        assertThat(strategy.validate(p)).map(FieldError::toString).contains(expected);
    }

    @Test
    void updateMayChangeImageButNotPorts() {
        Pod old = simple();
        old.getSpec().getContainers().get(0).setImage("nginx:1");
        strategy.applyDefaults(old);
        Pod image = simple();
        image.getSpec().getContainers().get(0).setImage("nginx:2");
        strategy.applyDefaults(image);
        assertThat(strategy.validateUpdate(image, old)).isEmpty();

        Pod port = simple();
        port.getSpec().getContainers().get(0).setImage("nginx:1");
        port.getSpec().getContainers().get(0).getPorts().get(0).setContainerPort(81);
        strategy.applyDefaults(port);
        assertThat(strategy.validateUpdate(port, old)).map(FieldError::toString)
                .containsExactly("spec: Forbidden: " + PodStrategy.UPDATE_FORBIDDEN);
    }

    @Test
    void selectableFieldsAndColumns() {
        Pod p = pod("{'metadata':{'name':'p','namespace':'default'},'spec':{'nodeName':'n1','containers':[{'name':'c','image':'x'}]},"
                + "'status':{'phase':'Running','podIP':'10.1.0.5','podIPs':[{'ip':'10.1.0.5'}],'containerStatuses':[{'name':'c',"
                + "'ready':true,'restartCount':2,'state':{'running':{}}}]}}");
        strategy.applyDefaults(p);
        assertThat(strategy.selectableFields(p)).containsAllEntriesOf(Map.of("spec.nodeName", "n1",
                "spec.restartPolicy", "Always", "spec.schedulerName", "default-scheduler", "spec.hostNetwork", "false",
                "status.phase", "Running", "status.podIP", "10.1.0.5", "status.nominatedNodeName", ""));
        var cols = strategy.tableColumns();
        assertThat(cols).extracting(c -> c.name()).containsExactly("Name", "Ready", "Status", "Restarts", "Age", "IP",
                "Node", "Nominated Node", "Readiness Gates");
        assertThat(cols.get(0).format()).isEqualTo("name");
        assertThat(cols).extracting(c -> c.cell().apply(p)).containsExactly("p", "1/1", "Running", "2", "<unknown>",
                "10.1.0.5", "n1", "<none>", "<none>");
    }

    @Test
    void statusColumnShowsWaitingReasonAndTerminating() {
        Pod p = pod("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'x'}]},'status':{'phase':'Pending',"
                + "'containerStatuses':[{'name':'c','ready':false,'restartCount':0,'state':{'waiting':{'reason':'ImagePullBackOff'}}}]}}");
        assertThat(PodPrinter.status(p)).isEqualTo("ImagePullBackOff");
        p.getMetadata().setDeletionTimestamp("2024-01-01T00:00:00Z");
        assertThat(PodPrinter.status(p)).isEqualTo("Terminating");
    }
}
