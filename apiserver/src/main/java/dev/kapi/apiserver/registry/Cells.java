package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

import java.util.ArrayList;
import java.util.List;

/** Table cell helpers shared by the resources' printers (kube's {@code layoutContainerCells}). */
public final class Cells {

    private Cells() {
    }

    /** Container names of a template, comma separated. */
    public static String containerNames(PodTemplateSpec template) {
        List<String> names = new ArrayList<>();
        for (Container c : containers(template)) {
            names.add(c.getName() == null ? "" : c.getName());
        }
        return String.join(",", names);
    }

    /** Container images of a template, comma separated. */
    public static String images(PodTemplateSpec template) {
        List<String> images = new ArrayList<>();
        for (Container c : containers(template)) {
            images.add(c.getImage() == null ? "" : c.getImage());
        }
        return String.join(",", images);
    }

    private static List<Container> containers(PodTemplateSpec template) {
        if (template == null || template.getSpec() == null || template.getSpec().getContainers() == null) {
            return List.of();
        }
        return template.getSpec().getContainers();
    }

    /** An int32 status counter as the integer cell kube returns (0 when unset). */
    public static long count(Integer value) {
        return value == null ? 0 : value;
    }

    /** kube's {@code printBoolPtr}: True, False or {@code <unset>}. */
    public static String boolPtr(Boolean value) {
        return value == null ? "<unset>" : (value ? "True" : "False");
    }
}
