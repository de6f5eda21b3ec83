package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.Kubectl.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kubectl explain} of built-in kinds prints kube 1.32's descriptions and {@code -required-} markers,
 * from OpenAPI v3 (kubectl's default) and v2 ({@code --output=plaintext-openapiv2}), as against
 * kube-apiserver. kubectl wraps descriptions at 80 columns: the checks read the text with its line breaks
 * and indentation folded into single spaces.
 */
@ExtendWith(KapiServerExtension.class)
class KubectlExplainIT {

    private static final Kubectl KUBECTL = Kubectl.named("kubectl");

    private static String explain(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "explain";
        System.arraycopy(args, 0, all, 1, args.length);
        Result r = KUBECTL.run(all);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out();
    }

    /** The output with each run of whitespace inside a paragraph folded to one space. */
    private static String folded(String out) {
        return out.replaceAll("[ \\t]*\\n[ \\t]+(?=\\S)", " ");
    }

    @Test
    void deploymentSpecHasKubesDescriptionsAndRequiredFields() {
        String out = explain("deployment.spec");
        assertThat(out).contains("FIELD: spec <DeploymentSpec>")
                .contains("selector\t<LabelSelector> -required-")
                .contains("template\t<PodTemplateSpec> -required-")
                .doesNotContain("<empty>");
        assertThat(folded(out))
                .contains("DESCRIPTION: DeploymentSpec is the specification of the desired behavior of the Deployment.")
                .contains("replicas\t<integer> Number of desired pods. This is a pointer to distinguish between"
                        + " explicit zero and not specified. Defaults to 1.")
                .contains("paused\t<boolean> Indicates that the deployment is paused.");
    }

    @Test
    void recursiveMarksRequiredFieldsAllTheWayDown() {
        String out = explain("deployment.spec", "--recursive");
        assertThat(out).contains("  selector\t<LabelSelector> -required-\n")
                .contains("      key\t<string> -required-\n")
                .contains("  template\t<PodTemplateSpec> -required-\n")
                .containsPattern("\\n +containers\\t<\\[\\]Container> -required-\\n")
                .containsPattern("\\n +image\\t<string>\\n");
    }

    @Test
    void aDeepPodFieldIsDescribed() {
        String out = folded(explain("pod.spec.containers.resources"));
        assertThat(out).contains("FIELD: resources <ResourceRequirements>")
                .contains("ResourceRequirements describes the compute resource requirements.")
                .contains("limits\t<map[string]Quantity> Limits describes the maximum amount of compute resources"
                        + " allowed. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/");
        assertThat(folded(explain("pod.spec.containers")))
                .contains("name\t<string> -required- Name of the container specified as a DNS_LABEL.");
    }

    @Test
    void openApiV2OutputToo() {
        String out = explain("deployment.spec", "--output=plaintext-openapiv2");
        assertThat(out).contains("selector\t<Object> -required-").contains("template\t<Object> -required-");
        assertThat(folded(out))
                .contains("DeploymentSpec is the specification of the desired behavior of the Deployment.")
                .contains("paused\t<boolean> Indicates that the deployment is paused.");
    }
}
