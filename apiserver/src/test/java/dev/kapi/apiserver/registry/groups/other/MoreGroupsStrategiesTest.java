package dev.kapi.apiserver.registry.groups.other;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.core.PodTemplateStrategy;
import dev.kapi.apiserver.registry.groups.node.RuntimeClassStrategy;
import dev.kapi.apiserver.registry.groups.storage.CsiDriverStrategy;
import dev.kapi.apiserver.registry.groups.storage.CsiNodeStrategy;
import dev.kapi.apiserver.registry.groups.storage.CsiStorageCapacityStrategy;
import dev.kapi.apiserver.registry.groups.storage.VolumeAttachmentStrategy;
import io.fabric8.kubernetes.api.model.PodTemplateBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.api.model.storage.CSIDriverBuilder;
import io.fabric8.kubernetes.api.model.storage.CSINodeBuilder;
import io.fabric8.kubernetes.api.model.storage.CSIStorageCapacityBuilder;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.kapi.apiserver.registry.groups.other.OtherGroupsStrategiesTest.cells;
import static dev.kapi.apiserver.registry.groups.other.OtherGroupsStrategiesTest.created;
import static dev.kapi.apiserver.registry.groups.other.OtherGroupsStrategiesTest.headers;
import static org.assertj.core.api.Assertions.assertThat;

class MoreGroupsStrategiesTest {

    @Test
    void runtimeClass() {
        RuntimeClassStrategy s = new RuntimeClassStrategy();
        var rc = new RuntimeClassBuilder().withNewMetadata().withName("gvisor").endMetadata().withHandler("Run.sc")
                .withNewOverhead().addToPodFixed("cpu", new Quantity("-1")).endOverhead().build();
        assertThat(created(s, rc)).hasSize(2).first().asString().startsWith("handler: Invalid value: \"Run.sc\"");
        rc.setHandler("runsc");
        rc.getOverhead().getPodFixed().put("cpu", new Quantity("250m"));
        assertThat(s.validate(rc)).isEmpty();
        var changed = new RuntimeClassBuilder(rc).withHandler("kata").build();
        assertThat(s.validateUpdate(changed, rc)).map(FieldError::toString)
                .containsExactly("handler: Invalid value: \"kata\": field is immutable");
        assertThat(headers(s)).containsExactly("Name", "Handler", "Age");
        assertThat(cells(s, rc)).startsWith("gvisor", "runsc");
    }

    @Test
    void csiDriverDefaultsAndRules() {
        CsiDriverStrategy s = new CsiDriverStrategy();
        var d = new CSIDriverBuilder().withNewMetadata().withName("ebs.csi.aws.com").endMetadata().withNewSpec()
                .addNewTokenRequest().withAudience("a").withExpirationSeconds(60L).endTokenRequest()
                .addNewTokenRequest().withAudience("a").endTokenRequest().withFsGroupPolicy("Sometimes").endSpec().build();
        assertThat(created(s, d)).containsExactly(
                "spec.fsGroupPolicy: Unsupported value: \"Sometimes\": supported values: \"File\", \"None\", \"ReadWriteOnceWithFSType\"",
                "spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes",
                "spec.tokenRequests[1].audience: Duplicate value: \"a\"");
        var plain = new CSIDriverBuilder().withNewMetadata().withName("x.csi").endMetadata().build();
        assertThat(created(s, plain)).isEmpty();
        assertThat(plain.getSpec().getAttachRequired()).isTrue();
        assertThat(plain.getSpec().getPodInfoOnMount()).isFalse();
        assertThat(plain.getSpec().getFsGroupPolicy()).isEqualTo("ReadWriteOnceWithFSType");
        assertThat(plain.getSpec().getVolumeLifecycleModes()).containsExactly("Persistent");
        var flipped = new CSIDriverBuilder(plain).editSpec().withAttachRequired(false).endSpec().build();
        assertThat(s.validateUpdate(flipped, plain)).map(FieldError::toString)
                .containsExactly("spec.attachRequired: Invalid value: false: field is immutable");
        assertThat(s.validateName("Bad_Name")).isNotEmpty();
        assertThat(headers(s)).containsExactly("Name", "AttachRequired", "PodInfoOnMount", "StorageCapacity",
                "TokenRequests", "RequiresRepublish", "Modes", "Age");
        assertThat(cells(s, plain)).startsWith("x.csi", true, false, false, "<unset>", false, "Persistent");
    }

    @Test
    void csiNode() {
        CsiNodeStrategy s = new CsiNodeStrategy();
        var n = new CSINodeBuilder().withNewMetadata().withName("node-1").endMetadata().withNewSpec()
                .addNewDriver().withName("x.csi").withNodeID("").endDriver()
                .addNewDriver().withName("x.csi").withNodeID("n1").withTopologyKeys("bad key").endDriver().endSpec().build();
        assertThat(created(s, n)).hasSize(3).contains(
                "spec.drivers[0].nodeID: Required value: nodeID of the node cannot be empty",
                "spec.drivers[1].name: Duplicate value: \"x.csi\"");
        var ok = new CSINodeBuilder().withNewMetadata().withName("node-1").endMetadata().withNewSpec()
                .addNewDriver().withName("x.csi").withNodeID("n1").endDriver().endSpec().build();
        assertThat(created(s, ok)).isEmpty();
        var moved = new CSINodeBuilder(ok).editSpec().editFirstDriver().withNodeID("n2").endDriver().endSpec().build();
        assertThat(s.validateUpdate(moved, ok)).map(FieldError::toString)
                .containsExactly("spec.drivers[0].nodeID: Invalid value: \"n2\": field is immutable");
        assertThat(cells(s, ok)).startsWith("node-1", 1L);
    }

    @Test
    void csiStorageCapacity() {
        CsiStorageCapacityStrategy s = new CsiStorageCapacityStrategy();
        var c = new CSIStorageCapacityBuilder().withNewMetadata().withName("cap").endMetadata()
                .withCapacity(new Quantity("-1Gi")).build();
        assertThat(created(s, c)).containsExactly("storageClassName: Required value",
                "capacity: Invalid value: \"-1Gi\": must be greater than or equal to 0");
        c.setStorageClassName("fast");
        c.setCapacity(new Quantity("10Gi"));
        assertThat(s.validate(c)).isEmpty();
        assertThat(headers(s)).containsExactly("Name", "StorageClassName", "Capacity", "Age");
        assertThat(cells(s, c)).startsWith("cap", "fast", "10Gi");
    }

    @Test
    void volumeAttachment() {
        VolumeAttachmentStrategy s = new VolumeAttachmentStrategy();
        var va = new VolumeAttachmentBuilder().withNewMetadata().withName("va").endMetadata().withNewSpec()
                .withAttacher("x.csi").endSpec().build();
        assertThat(created(s, va)).containsExactly("spec.nodeName: Required value: node name is required",
                "spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName");
        va.getSpec().setNodeName("node-1");
        va.getSpec().getSource().setPersistentVolumeName("pv-1");
        assertThat(s.validate(va)).isEmpty();
        var moved = new VolumeAttachmentBuilder(va).editSpec().withNodeName("node-2").endSpec().build();
        assertThat(s.validateUpdate(moved, va)).map(FieldError::toString)
                .containsExactly("spec: Invalid value: \"<spec>\": field is immutable");
        assertThat(headers(s)).containsExactly("Name", "Attacher", "PV", "Node", "Attached", "Age");
        assertThat(cells(s, va)).startsWith("va", "x.csi", "pv-1", "node-1", false);
    }

    @Test
    void podTemplate() {
        PodTemplateStrategy s = new PodTemplateStrategy();
        var pt = new PodTemplateBuilder().withNewMetadata().withName("pt").endMetadata().withNewTemplate()
                .withNewMetadata().addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer()
                .withName("web").withImage("nginx").endContainer().endSpec().endTemplate().build();
        assertThat(created(s, pt)).isEmpty();
        assertThat(pt.getTemplate().getSpec().getRestartPolicy()).isEqualTo("Always");
        assertThat(headers(s)).containsExactly("Name", "Containers", "Images", "Pod Labels");
        assertThat(cells(s, pt)).containsExactly("pt", "web", "nginx", "app=web");
        var empty = new PodTemplateBuilder().withNewMetadata().withName("pt").endMetadata().withNewTemplate()
                .withNewSpec().endSpec().endTemplate().build();
        assertThat(created(s, empty)).isNotEmpty();
        assertThat(List.copyOf(created(s, empty)).getFirst()).startsWith("template.spec.containers");
    }
}
