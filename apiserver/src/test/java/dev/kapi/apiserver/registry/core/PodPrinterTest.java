package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.endpoints.handlers.TableConvertor;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.kapi.apiserver.registry.core.PodStrategyTest.pod;
import static org.assertj.core.api.Assertions.assertThat;

/** READY / STATUS / RESTARTS and row conditions as kube's printPod works them out. */
class PodPrinterTest {

    private static final String TWO_AND_SIDECAR = "'spec':{'initContainers':[{'name':'side','image':'x','restartPolicy':'Always'}],"
            + "'containers':[{'name':'a','image':'x'},{'name':'b','image':'x'}]}";
    private static final String RUNNING = "{'running':{}}";

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            // two containers and a started, ready sidecar: 3/3, sidecar restarts count
            TWO_AND_SIDECAR + ",'status':{'phase':'Running','conditions':[{'type':'Initialized','status':'True'},{'type':'Ready','status':'True'}],"
                    + "'initContainerStatuses':[{'name':'side','ready':true,'started':true,'restartCount':1,'state':" + RUNNING + "}],"
                    + "'containerStatuses':[{'name':'a','ready':true,'restartCount':2,'state':" + RUNNING + "},"
                    + "{'name':'b','ready':true,'restartCount':0,'state':" + RUNNING + "}]}|3/3|Running|3",
            // sidecar not started yet: initializing, Init:0/1, its restarts count
            TWO_AND_SIDECAR + ",'status':{'phase':'Pending','initContainerStatuses':[{'name':'side','ready':false,'started':false,"
                    + "'restartCount':4,'state':" + RUNNING + "}]}|0/3|Init:0/1|4",
            // a regular init container running (started) is still initializing, unlike a sidecar
            "'spec':{'initContainers':[{'name':'i','image':'x'}],'containers':[{'name':'a','image':'x'}]},'status':{'phase':'Pending',"
                    + "'initContainerStatuses':[{'name':'i','ready':false,'started':true,'restartCount':0,'state':" + RUNNING + "}]}|0/1|Init:0/1|0",
            "'spec':{'initContainers':[{'name':'i','image':'x'}],'containers':[{'name':'a','image':'x'}]},'status':{'phase':'Pending',"
                    + "'initContainerStatuses':[{'name':'i','ready':false,'restartCount':3,'state':{'waiting':{'reason':'CrashLoopBackOff'}}}]}|0/1|Init:CrashLoopBackOff|3",
            "'spec':{'initContainers':[{'name':'i','image':'x'}],'containers':[{'name':'a','image':'x'}]},'status':{'phase':'Failed',"
                    + "'initContainerStatuses':[{'name':'i','ready':false,'restartCount':0,'state':{'terminated':{'exitCode':2}}}]}|0/1|Init:ExitCode:2|0",
            // scheduling gates: the PodScheduled condition's reason
            "'spec':{'schedulingGates':[{'name':'g'}],'containers':[{'name':'a','image':'x'}]},'status':{'phase':'Pending',"
                    + "'conditions':[{'type':'PodScheduled','status':'False','reason':'SchedulingGated'}]}|0/1|SchedulingGated|0",
            // a ready flag on a waiting container does not count
            "'spec':{'containers':[{'name':'a','image':'x'}]},'status':{'phase':'Running','containerStatuses':[{'name':'a','ready':true,"
                    + "'restartCount':0,'state':{'waiting':{'reason':'ContainerCreating'}}}]}|0/1|ContainerCreating|0",
            "'spec':{'containers':[{'name':'a','image':'x'}]},'status':{'phase':'Succeeded','containerStatuses':[{'name':'a','ready':false,"
                    + "'restartCount':0,'state':{'terminated':{'exitCode':0,'reason':'Completed'}}}]}|0/1|Completed|0"})
    void readyStatusRestarts(String body, String ready, String status, String restarts) {
        Pod p = pod("{'metadata':{'name':'p'}," + body + "}");
        assertThat(List.of(PodPrinter.ready(p), PodPrinter.status(p), PodPrinter.restarts(p)))
                .containsExactly(ready, status, restarts);
    }

    @Test
    void deletedPods() {
        Pod done = pod("{'metadata':{'name':'p','deletionTimestamp':'2024-01-01T00:00:00Z'},'spec':{'containers':[{'name':'a',"
                + "'image':'x'}]},'status':{'phase':'Succeeded'}}");
        assertThat(PodPrinter.status(done)).isEqualTo("Succeeded");
        Pod lost = pod("{'metadata':{'name':'p','deletionTimestamp':'2024-01-01T00:00:00Z'},'spec':{'containers':[{'name':'a',"
                + "'image':'x'}]},'status':{'phase':'Running','reason':'NodeLost'}}");
        assertThat(PodPrinter.status(lost)).isEqualTo("Unknown");
        Pod running = pod("{'metadata':{'name':'p','deletionTimestamp':'2024-01-01T00:00:00Z'},'spec':{'containers':[{'name':'a',"
                + "'image':'x'}]},'status':{'phase':'Running'}}");
        assertThat(PodPrinter.status(running)).isEqualTo("Terminating");
    }

    @Test
    @SuppressWarnings("unchecked")
    void finishedPodRowsAreCompleted() {
        ResourceDefinition<HasMetadata> pods = (ResourceDefinition<HasMetadata>) CoreResources.all(new RegistryContext(
                new InMemoryCasStorage(), "/registry", "10.96.0.0/12", "30000-32767")).stream()
                .filter(d -> d.resource().equals("pods")).findFirst().orElseThrow();
        Pod ok = pod("{'metadata':{'name':'ok'},'spec':{'containers':[{'name':'a','image':'x'}]},'status':{'phase':'Succeeded'}}");
        Pod bad = pod("{'metadata':{'name':'bad'},'spec':{'containers':[{'name':'a','image':'x'}]},'status':{'phase':'Failed'}}");
        Pod run = pod("{'metadata':{'name':'run'},'spec':{'containers':[{'name':'a','image':'x'}]},'status':{'phase':'Running'}}");
        var rows = TableConvertor.table(pods, "v1", List.of(ok, bad, run), "None", null).get("rows");
        assertThat(rows.get(0).get("conditions").toString()).isEqualTo("[{\"type\":\"Completed\",\"status\":\"True\","
                + "\"reason\":\"Succeeded\",\"message\":\"The pod has completed successfully.\"}]");
        assertThat(rows.get(1).get("conditions").toString()).isEqualTo("[{\"type\":\"Completed\",\"status\":\"True\","
                + "\"reason\":\"Failed\",\"message\":\"The pod failed.\"}]");
        assertThat(rows.get(2).has("conditions")).isFalse();
    }
}
