package dev.kapi.apiserver.registry.groups;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.groups.apps.ControllerRevisionStrategy;
import dev.kapi.apiserver.registry.groups.apps.DaemonSetStrategy;
import dev.kapi.apiserver.registry.groups.apps.DeploymentStrategy;
import dev.kapi.apiserver.registry.groups.apps.ReplicaSetStrategy;
import dev.kapi.apiserver.registry.groups.apps.StatefulSetStrategy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class AppsStrategiesTest {

    private final DeploymentStrategy deployments = new DeploymentStrategy();

    static Deployment deployment() {
        return new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("default")
                .withCreationTimestamp("2020-01-01T00:00:00Z").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("nginx").withImage("nginx:1.27").endContainer()
                .addNewContainer().withName("side").withImage("busybox").endContainer().endSpec()
                .endTemplate().endSpec().build();
    }

    static <T extends HasMetadata> List<String> errors(ResourceStrategy<T> s, T obj) {
        s.applyDefaults(obj);
        s.prepareForCreate(obj);
        return s.validate(obj).stream().map(FieldError::toString).toList();
    }

    @Test
    void deploymentDefaults() {
        Deployment d = deployment();
        deployments.applyDefaults(d);
        var spec = d.getSpec();
        assertThat(spec.getReplicas()).isEqualTo(1);
        assertThat(spec.getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(spec.getStrategy().getRollingUpdate().getMaxUnavailable().getStrVal()).isEqualTo("25%");
        assertThat(spec.getStrategy().getRollingUpdate().getMaxSurge().getStrVal()).isEqualTo("25%");
        assertThat(spec.getRevisionHistoryLimit()).isEqualTo(10);
        assertThat(spec.getProgressDeadlineSeconds()).isEqualTo(600);
        assertThat(spec.getTemplate().getSpec().getRestartPolicy()).isEqualTo("Always");
        assertThat(spec.getTemplate().getSpec().getContainers().get(1).getImagePullPolicy()).isEqualTo("Always");
    }

    static Stream<Arguments> deploymentErrors() {
        return Stream.of(
                Arguments.of("valid", (Consumer<Deployment>) d -> { }, List.of()),
                Arguments.of("no selector", (Consumer<Deployment>) d -> d.getSpec().setSelector(null), List.of(
                        "spec.selector: Required value",
                        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: "
                                + "`selector` does not match template `labels`")),
                Arguments.of("mismatch", (Consumer<Deployment>) d -> d.getSpec().getSelector().getMatchLabels()
                        .put("app", "db"), List.of("spec.template.metadata.labels: Invalid value: "
                        + "map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`")),
                Arguments.of("empty selector", (Consumer<Deployment>) d -> d.getSpec().setSelector(
                        new io.fabric8.kubernetes.api.model.LabelSelector()), List.of("spec.selector: Invalid value: "
                        + "v1.LabelSelector{MatchLabels:map[string]string(nil), "
                        + "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment")),
                Arguments.of("negative replicas", (Consumer<Deployment>) d -> d.getSpec().setReplicas(-1),
                        List.of("spec.replicas: Invalid value: -1: must be greater than or equal to 0")),
                Arguments.of("no containers", (Consumer<Deployment>) d -> d.getSpec().getTemplate().getSpec()
                        .setContainers(new ArrayList<>()), List.of("spec.template.spec.containers: Required value")),
                Arguments.of("no image", (Consumer<Deployment>) d -> d.getSpec().getTemplate().getSpec()
                        .getContainers().get(0).setImage(null), List.of("spec.template.spec.containers[0].image: Required value")),
                Arguments.of("restart Never", (Consumer<Deployment>) d -> d.getSpec().getTemplate().getSpec()
                        .setRestartPolicy("Never"), List.of("spec.template.spec.restartPolicy: Unsupported value: "
                        + "\"Never\": supported values: \"Always\"")),
                Arguments.of("zero surge and unavailable", (Consumer<Deployment>) d -> d.getSpec().setStrategy(
                        new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder().withType("RollingUpdate")
                                .withNewRollingUpdate().withMaxSurge(new IntOrString(0))
                                .withMaxUnavailable(new IntOrString(0)).endRollingUpdate().build()),
                        List.of("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when "
                                + "`maxSurge` is 0")),
                Arguments.of("bad strategy type", (Consumer<Deployment>) d -> d.getSpec().setStrategy(
                        new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder().withType("Blue").build()),
                        List.of("spec.strategy.type: Unsupported value: \"Blue\": supported values: \"Recreate\", "
                                + "\"RollingUpdate\"")),
                Arguments.of("invalid operator", (Consumer<Deployment>) d -> d.getSpec().getSelector()
                        .setMatchExpressions(List.of(new io.fabric8.kubernetes.api.model.LabelSelectorRequirement(
                                "tier", "Is", List.of()))), List.of(
                        "spec.selector.matchExpressions[0].operator: Invalid value: \"Is\": not a valid selector operator",
                        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\"}, "
                                + "MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"tier\", "
                                + "Operator:\"Is\", Values:[]string(nil)}}}: invalid label selector")),
                Arguments.of("bad template label", (Consumer<Deployment>) d -> d.getSpec().getTemplate().getMetadata()
                        .getLabels().put("x", "-bad"), List.of("spec.template.labels: Invalid value: \"-bad\": "
                        + "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                        + "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                        + "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")),
                Arguments.of("bad port and volume", (Consumer<Deployment>) d -> {
                    d.getSpec().getTemplate().getSpec().getContainers().get(0).setPorts(List.of(
                            new io.fabric8.kubernetes.api.model.ContainerPortBuilder().withContainerPort(70000).build()));
                    d.getSpec().getTemplate().getSpec().setVolumes(List.of(
                            new io.fabric8.kubernetes.api.model.VolumeBuilder().withName("Bad_Name").build()));
                }, List.of("spec.template.spec.volumes[0].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 "
                        + "label must consist of lower case alphanumeric characters or '-', and must start and end with "
                        + "an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
                        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                        "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be "
                                + "between 1 and 65535, inclusive")),
                Arguments.of("deadline below minReady", (Consumer<Deployment>) d -> {
                    d.getSpec().setMinReadySeconds(10);
                    d.getSpec().setProgressDeadlineSeconds(5);
                }, List.of("spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deploymentErrors")
    void deploymentValidation(String name, Consumer<Deployment> change, List<String> expected) {
        Deployment d = deployment();
        change.accept(d);
        assertThat(errors(deployments, d)).containsExactlyElementsOf(expected);
    }

    @Test
    void deploymentSelectorIsImmutable() {
        Deployment old = deployment();
        deployments.applyDefaults(old);
        Deployment d = deployment();
        d.getSpec().getSelector().getMatchLabels().put("app", "nginx2");
        d.getSpec().getTemplate().getMetadata().getLabels().put("app", "nginx2");
        deployments.applyDefaults(d);
        assertThat(deployments.validateUpdate(d, old)).map(FieldError::toString).containsExactly(
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"nginx2\"}, "
                        + "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
    }

    @Test
    void scaleAccessReadsAndWritesReplicas() {
        Deployment d = deployment();
        d.getSpec().setSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web")
                .addNewMatchExpression().withKey("tier").withOperator("In").withValues("b", "a").endMatchExpression()
                .build());
        d.getSpec().setReplicas(3);
        var scale = DeploymentStrategy.scale();
        assertThat(scale.specReplicas(d)).isEqualTo(3);
        assertThat(scale.statusReplicas(d)).isZero();
        assertThat(scale.selector(d)).isEqualTo("app=web,tier in (a,b)");
        scale.setSpecReplicas(d, 5);
        assertThat(d.getSpec().getReplicas()).isEqualTo(5);

        ReplicaSet rs = new ReplicaSetBuilder().withNewSpec().withReplicas(2).withNewSelector()
                .addToMatchLabels("app", "x").endSelector().endSpec().withNewStatus().withReplicas(1).endStatus().build();
        assertThat(ReplicaSetStrategy.scale().statusReplicas(rs)).isEqualTo(1);
        assertThat(ReplicaSetStrategy.scale().selector(rs)).isEqualTo("app=x");
        StatefulSet sts = new StatefulSetBuilder().withNewSpec().withReplicas(4).endSpec().build();
        assertThat(StatefulSetStrategy.scale().specReplicas(sts)).isEqualTo(4);
        assertThat(StatefulSetStrategy.scale().selector(sts)).isEmpty();
    }

    static <T extends HasMetadata> List<Object> cells(ResourceStrategy<T> s, T obj) {
        return s.tableColumns().stream().map(c -> c.cell().apply(obj)).toList();
    }

    static <T extends HasMetadata> List<String> headers(ResourceStrategy<T> s) {
        return s.tableColumns().stream().map(TableColumn::name).toList();
    }

    @Test
    void deploymentTable() {
        Deployment d = deployment();
        deployments.applyDefaults(d);
        d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReadyReplicas(0)
                .withUpdatedReplicas(1).build());
        assertThat(headers(deployments)).containsExactly("Name", "Ready", "Up-to-date", "Available", "Age",
                "Containers", "Images", "Selector");
        List<Object> cells = cells(deployments, d);
        assertThat(cells).containsExactly("web", "0/1", 1L, 0L, cells.get(4), "nginx,side", "nginx:1.27,busybox",
                "app=web");
        assertThat((String) cells.get(4)).matches("\\d+y(\\d+d)?");
    }

    @Test
    void replicaSetDefaultsStatusFieldsAndTable() {
        ReplicaSetStrategy s = new ReplicaSetStrategy();
        ReplicaSet rs = new ReplicaSetBuilder().withNewMetadata().withName("rs1").endMetadata().withNewSpec()
                .withNewSelector().addToMatchLabels("app", "x").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "x").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec().endTemplate()
                .endSpec().build();
        assertThat(errors(s, rs)).isEmpty();
        assertThat(rs.getSpec().getReplicas()).isEqualTo(1);
        assertThat(rs.getStatus().getReplicas()).isZero();
        assertThat(s.selectableFields(rs)).containsEntry("status.replicas", "0");
        assertThat(headers(s)).containsExactly("Name", "Desired", "Current", "Ready", "Age", "Containers", "Images",
                "Selector");
        assertThat(cells(s, rs)).startsWith("rs1", 1L, 0L, 0L).endsWith("c", "i", "app=x");
    }

    @Test
    void statefulSetDefaultsAndUpdateRules() {
        StatefulSetStrategy s = new StatefulSetStrategy();
        StatefulSet sts = new StatefulSetBuilder().withNewMetadata().withName("db").endMetadata().withNewSpec()
                .withServiceName("db").withNewSelector().addToMatchLabels("app", "db").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "db").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec().endTemplate()
                .addNewVolumeClaimTemplate().withNewMetadata().withName("data").endMetadata().endVolumeClaimTemplate()
                .endSpec().build();
        assertThat(errors(s, sts)).isEmpty();
        var spec = sts.getSpec();
        assertThat(spec.getReplicas()).isEqualTo(1);
        assertThat(spec.getPodManagementPolicy()).isEqualTo("OrderedReady");
        assertThat(spec.getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(spec.getUpdateStrategy().getRollingUpdate().getPartition()).isZero();
        assertThat(spec.getRevisionHistoryLimit()).isEqualTo(10);
        assertThat(spec.getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Retain");
        assertThat(spec.getPersistentVolumeClaimRetentionPolicy().getWhenScaled()).isEqualTo("Retain");
        assertThat(spec.getVolumeClaimTemplates().get(0).getSpec().getVolumeMode()).isEqualTo("Filesystem");
        assertThat(sts.getStatus().getReplicas()).isZero();

        StatefulSet changed = new StatefulSetBuilder(sts).editSpec().withReplicas(3).endSpec().build();
        assertThat(s.validateUpdate(changed, sts)).isEmpty();
        // serviceName has no omitempty: stored unset it reads back "", which a body without it does not change; zeros
        // a body states in the claim templates equal the stored, left-out ones
        StatefulSet unnamed = new StatefulSetBuilder(sts).editSpec().withServiceName(null).endSpec().build();
        StatefulSet stored = dev.kapi.apiserver.api.Json.read(dev.kapi.apiserver.api.Json.bytes(unnamed),
                StatefulSet.class);
        assertThat(stored.getSpec().getServiceName()).isEmpty();
        StatefulSet restated = new StatefulSetBuilder(unnamed).build();
        restated.getSpec().getVolumeClaimTemplates().get(0).getSpec().setVolumeName("");
        assertThat(s.validateUpdate(restated, stored)).isEmpty();
        StatefulSet renamed = new StatefulSetBuilder(sts).editSpec().withServiceName("other").endSpec().build();
        assertThat(s.validateUpdate(renamed, sts)).map(FieldError::toString).containsExactly(
                "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                        + "'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' "
                        + "and 'minReadySeconds' are forbidden");
        assertThat(headers(s)).containsExactly("Name", "Ready", "Age", "Containers", "Images");
        assertThat(cells(s, sts).get(1)).isEqualTo("0/1");
    }

    @Test
    void daemonSetDefaultsValidationAndTable() {
        DaemonSetStrategy s = new DaemonSetStrategy();
        DaemonSet ds = new DaemonSetBuilder().withNewMetadata().withName("agent").endMetadata().withNewSpec()
                .withNewSelector().addToMatchLabels("app", "agent").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "agent").endMetadata()
                .withNewSpec().addToNodeSelector("kubernetes.io/os", "linux")
                .addNewContainer().withName("c").withImage("i").endContainer().endSpec().endTemplate()
                .endSpec().build();
        assertThat(errors(s, ds)).isEmpty();
        var ru = ds.getSpec().getUpdateStrategy().getRollingUpdate();
        assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(ru.getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(ru.getMaxSurge().getIntVal()).isZero();
        assertThat(ds.getSpec().getRevisionHistoryLimit()).isEqualTo(10);
        assertThat(headers(s)).containsExactly("Name", "Desired", "Current", "Ready", "Up-to-date", "Available",
                "Node Selector", "Age", "Containers", "Images", "Selector");
        assertThat(cells(s, ds)).startsWith("agent", 0L, 0L, 0L, 0L, 0L, "kubernetes.io/os=linux");

        ru.setMaxUnavailable(new IntOrString(0));
        assertThat(s.validate(ds)).map(FieldError::toString).containsExactly(
                "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0 when maxSurge is 0");
    }

    @Test
    void controllerRevisionColumnsAndChecks() {
        ControllerRevisionStrategy s = new ControllerRevisionStrategy();
        var cr = new ControllerRevisionBuilder().withNewMetadata().withName("web-5d")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("StatefulSet").withName("web")
                .withController(true).endOwnerReference().endMetadata().withRevision(2L).withData(java.util.Map.of())
                .build();
        assertThat(s.validate(cr)).isEmpty();
        assertThat(headers(s)).containsExactly("Name", "Controller", "Revision", "Age");
        assertThat(cells(s, cr)).startsWith("web-5d", "statefulset.apps/web", 2L);
        cr.setData(null);
        cr.setRevision(-1L);
        assertThat(s.validate(cr)).map(FieldError::toString).containsExactly("data: Required value: data is mandatory",
                "revision: Invalid value: -1: must be greater than or equal to 0");
    }
}
