package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static dev.kapi.apiserver.registry.core.PodStrategyTest.pod;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code pods/ephemeralcontainers} strategy, as kube's {@code podEphemeralContainersStrategy} and
 * {@code ValidatePodEphemeralContainersUpdate}: only {@code spec.ephemeralContainers} is taken from the write,
 * containers are defaulted as containers, validated with kube's messages, and only ever added.
 */
class PodEphemeralContainersTest {

    private final PodStrategy pods = new PodStrategy();
    private final ResourceStrategy<Pod> strategy = pods.subresourceStrategy("ephemeralcontainers");

    private static final String RUNNING = "{'metadata':{'name':'p','namespace':'default','labels':{'app':'a'},"
            + "'annotations':{'note':'n'}},'spec':{'nodeName':'n1','initContainers':[{'name':'init','image':'busybox'}],"
            + "'containers':[{'name':'c','image':'nginx:1'}]},'status':{'phase':'Running'}}";

    private Pod stored() {
        Pod p = pod(RUNNING);
        pods.applyDefaults(p);
        return p;
    }

    /** The stored pod with {@code ephemeral} (a JSON list) as written through the subresource, prepared. */
    private Pod written(Pod old, String ephemeral) {
        Pod p = pod(RUNNING.replace("'containers':[", "'ephemeralContainers':" + ephemeral + ",'containers':["));
        strategy.applyDefaults(p);
        strategy.prepareForUpdate(p, old);
        return p;
    }

    @Test
    void onlyTheEphemeralContainersOfTheWriteAreKept() {
        Pod old = stored();
        Pod p = pod("{'metadata':{'name':'p','namespace':'default','labels':{'app':'changed'},'annotations':{},"
                + "'finalizers':['x/y']},'spec':{'nodeName':'elsewhere','activeDeadlineSeconds':5,"
                + "'containers':[{'name':'c','image':'nginx:2'}],"
                + "'ephemeralContainers':[{'name':'debugger','image':'busybox','targetContainerName':'c','stdin':true}]},"
                + "'status':{'phase':'Failed'}}");
        strategy.applyDefaults(p);
        strategy.prepareForUpdate(p, old);

        assertThat(p.getMetadata().getLabels()).isEqualTo(Map.of("app", "a"));
        assertThat(p.getMetadata().getAnnotations()).isEqualTo(Map.of("note", "n"));
        assertThat(p.getMetadata().getFinalizers()).isEmpty();
        assertThat(p.getSpec().getNodeName()).isEqualTo("n1");
        assertThat(p.getSpec().getActiveDeadlineSeconds()).isNull();
        assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1");
        assertThat(p.getStatus().getPhase()).isEqualTo("Running");
        var debugger = p.getSpec().getEphemeralContainers().get(0);
        assertThat(debugger.getTargetContainerName()).isEqualTo("c");
        // defaulted as a container is (kube's SetDefaults_EphemeralContainer)
        assertThat(debugger.getImagePullPolicy()).isEqualTo("Always");
        assertThat(debugger.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(debugger.getTerminationMessagePolicy()).isEqualTo("File");
        assertThat(strategy.validateUpdate(p, old)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'name':'d'}|spec.ephemeralContainers[0].image: Required value",
            "{'image':'busybox'}|spec.ephemeralContainers[0].name: Required value",
            "{'name':'c','image':'busybox'}|spec.ephemeralContainers[0].name: Duplicate value: \"c\"",
            "{'name':'init','image':'busybox'}|spec.ephemeralContainers[0].name: Duplicate value: \"init\"",
            "{'name':'d','image':'busybox','targetContainerName':'nope'}|spec.ephemeralContainers[0].targetContainerName: Not found: \"nope\"",
            "{'name':'d','image':'busybox','ports':[{'containerPort':80}]}|spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container",
            "{'name':'d','image':'busybox','resources':{'limits':{'cpu':'1'}}}|spec.ephemeralContainers[0].resources: Forbidden: cannot be set for an Ephemeral Container",
            "{'name':'d','image':'busybox','resizePolicy':[{'resourceName':'cpu','restartPolicy':'NotRequired'}]}|spec.ephemeralContainers[0].resizePolicy: Forbidden: cannot be set for an Ephemeral Container",
            "{'name':'d','image':'busybox','restartPolicy':'Always'}|spec.ephemeralContainers[0].restartPolicy: Forbidden: cannot be set for an Ephemeral Container",
            "{'name':'d','image':'busybox','livenessProbe':{'exec':{'command':['true']}}}|spec.ephemeralContainers[0].livenessProbe: Forbidden: cannot be set for an Ephemeral Container",
            "{'name':'d','image':'busybox','readinessProbe':{'exec':{'command':['true']}}}|spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container",
            "{'name':'d','image':'busybox','startupProbe':{'exec':{'command':['true']}}}|spec.ephemeralContainers[0].startupProbe: Forbidden: cannot be set for an Ephemeral Container",
            "{'name':'d','image':'busybox','lifecycle':{'preStop':{'exec':{'command':['true']}}}}|spec.ephemeralContainers[0].lifecycle: Forbidden: cannot be set for an Ephemeral Container",
            "{'name':'d','image':'busybox','volumeMounts':[{'name':'v','mountPath':'/v','subPath':'x'}]}|spec.ephemeralContainers[0].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container",
            "{'name':'d','image':'busybox','imagePullPolicy':'Sometimes'}|spec.ephemeralContainers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\""})
    void aNewEphemeralContainerIsValidatedAsKubeDoes(String container, String expected) {
        Pod old = stored();
        Pod p = written(old, "[" + container + "]");
        assertThat(strategy.validateUpdate(p, old)).map(FieldError::toString).contains(expected);
    }

    @Test
    void ephemeralContainersAreOnlyEverAdded() {
        Pod old = written(stored(), "[{'name':'one','image':'busybox'}]");
        assertThat(strategy.validateUpdate(old, stored())).isEmpty();

        Pod added = written(old, "[{'name':'one','image':'busybox'},{'name':'two','image':'busybox'}]");
        assertThat(strategy.validateUpdate(added, old)).isEmpty();
        // a patch does not keep the order: each is found by name
        Pod reordered = written(old, "[{'name':'two','image':'busybox'},{'name':'one','image':'busybox'}]");
        assertThat(strategy.validateUpdate(reordered, old)).isEmpty();

        Pod removed = written(old, "[{'name':'two','image':'busybox'}]");
        assertThat(strategy.validateUpdate(removed, old)).map(FieldError::toString).containsExactly(
                "spec.ephemeralContainers: Forbidden: existing ephemeral containers \"one\" may not be removed\n");

        Pod changed = written(old, "[{'name':'one','image':'alpine'}]");
        assertThat(strategy.validateUpdate(changed, old)).map(FieldError::toString).singleElement().asString()
                .startsWith("spec.ephemeralContainers: Forbidden: existing ephemeral containers \"one\" may not be "
                        + "changed\n").contains("-image: \"busybox\"").contains("+image: \"alpine\"");
    }

    @Test
    void aStaticPodTakesNone() {
        Pod old = stored();
        old.getMetadata().setAnnotations(Map.of(EphemeralContainerValidation.MIRROR_POD_ANNOTATION, "x"));
        Pod p = written(old, "[{'name':'d','image':'busybox'}]");
        assertThat(strategy.validateUpdate(p, old)).map(FieldError::toString)
                .containsExactly(": Forbidden: static pods do not support ephemeral containers");
    }

    @Test
    void theMainResourceTakesNoEphemeralContainers() {
        Pod create = pod(RUNNING.replace("'containers':[",
                "'ephemeralContainers':[{'name':'d','image':'busybox'}],'containers':["));
        pods.applyDefaults(create);
        assertThat(pods.validate(create)).map(FieldError::toString)
                .contains("spec.ephemeralContainers: Forbidden: cannot be set on create");

        Pod old = stored();
        Pod update = pod(RUNNING.replace("'containers':[",
                "'ephemeralContainers':[{'name':'d','image':'busybox'}],'containers':["));
        pods.applyDefaults(update);
        assertThat(pods.validateUpdate(update, old)).map(FieldError::toString)
                .containsExactly("spec: Forbidden: " + PodStrategy.UPDATE_FORBIDDEN);
    }

    @Test
    void aPodTemplateTakesNone() {
        Pod p = pod(RUNNING.replace("'containers':[",
                "'ephemeralContainers':[{'name':'d','image':'busybox'}],'containers':["));
        var template = new io.fabric8.kubernetes.api.model.PodTemplateSpec(p.getMetadata(), p.getSpec());
        assertThat(PodSpecValidation.validateTemplate(template, "spec.template")).map(FieldError::toString)
                .contains("spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in "
                        + "pod template");
    }
}
