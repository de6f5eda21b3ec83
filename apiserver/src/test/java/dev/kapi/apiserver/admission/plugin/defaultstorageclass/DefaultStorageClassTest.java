package dev.kapi.apiserver.admission.plugin.defaultstorageclass;

import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.plugin.PluginFixtures;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A claim created without a class gets the default StorageClass (the newest of several, then by name); a
 * claim that names a class, even "", or carries the beta class annotation keeps what it has.
 */
class DefaultStorageClassTest {

    /** name:default-annotation:created, e.g. {@code fast:true:2024-01-02T00:00:00Z}; "beta" for the beta annotation. */
    private static List<StorageClass> classes(String spec) {
        List<StorageClass> out = new ArrayList<>();
        for (String c : spec.isBlank() ? new String[0] : spec.trim().split(" ")) {
            String[] p = c.split("=");
            String annotation = switch (p[1]) {
                case "true", "false" -> "'storageclass.kubernetes.io/is-default-class':'" + p[1] + "'";
                case "beta" -> "'storageclass.beta.kubernetes.io/is-default-class':'true'";
                default -> "'other':'x'";
            };
            out.add(PluginFixtures.read(StorageClass.class, "{'metadata':{'name':'" + p[0] + "','annotations':{"
                    + annotation + "},'creationTimestamp':'" + p[2] + "'},'provisioner':'x'}"));
        }
        return out;
    }

    @ParameterizedTest(name = "[{index}] {0} with classes \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "{}                              | slow=true=2024-01-01T00:00:00Z                 | slow",
            "{}                              | ''                                              | null",
            "{}                              | slow=false=2024-01-01T00:00:00Z                | null",
            "{}                              | old=true=2024-01-01T00:00:00Z new=true=2024-06-01T00:00:00Z | new",
            "{}                              | b=true=2024-01-01T00:00:00Z a=true=2024-01-01T00:00:00Z | a",
            "{}                              | gold=beta=2024-01-01T00:00:00Z                 | gold",
            "{}                              | x=none=2024-01-01T00:00:00Z                    | null",
            "{'storageClassName':'mine'}     | slow=true=2024-01-01T00:00:00Z                 | mine",
            "{'storageClassName':''}         | slow=true=2024-01-01T00:00:00Z                 | ''",
    })
    void defaultsTheClass(String spec, String classes, String expected) {
        PersistentVolumeClaim pvc = PluginFixtures.read(PersistentVolumeClaim.class,
                "{'metadata':{'name':'c'},'spec':" + spec + "}");
        DefaultStorageClass plugin = new DefaultStorageClass(() -> classes(classes));
        assertThat(plugin.admit(PluginFixtures.attrs(Operation.CREATE, "persistentvolumeclaims", "", "ns", "c",
                pvc, null))).isSameAs(pvc);
        assertThat(pvc.getSpec().getStorageClassName()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} persistentvolumeclaims/{1}, beta annotation {2}")
    @CsvSource({"UPDATE, '', false", "CREATE, status, false", "CREATE, '', true"})
    void leavesOtherWritesAlone(Operation op, String subresource, boolean betaAnnotation) {
        String annotations = betaAnnotation ? ",'annotations':{'volume.beta.kubernetes.io/storage-class':'old'}" : "";
        PersistentVolumeClaim pvc = PluginFixtures.read(PersistentVolumeClaim.class,
                "{'metadata':{'name':'c'" + annotations + "},'spec':{}}");
        DefaultStorageClass plugin = new DefaultStorageClass(() -> classes("slow=true=2024-01-01T00:00:00Z"));
        plugin.admit(PluginFixtures.attrs(op, "persistentvolumeclaims", subresource, "ns", "c", pvc,
                op == Operation.UPDATE ? new PersistentVolumeClaim() : null));
        assertThat(pvc.getSpec().getStorageClassName()).isNull();
    }
}
