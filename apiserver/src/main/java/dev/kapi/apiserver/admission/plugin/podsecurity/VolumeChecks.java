package dev.kapi.apiserver.admission.plugin.podsecurity;

import static dev.kapi.apiserver.admission.plugin.podsecurity.Check.baseline;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Check.restricted;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Check.since;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Containers.joinQuote;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Containers.plural;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Volumes: baseline forbids hostPath volumes; restricted (in its place) allows only configMap, csi, downwardAPI,
 * emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes.
 */
final class VolumeChecks {

    private static final String HOST_PATH_VOLUMES = "hostPathVolumes";

    private VolumeChecks() {
    }

    static List<Check> all() {
        return List.of(
                baseline(HOST_PATH_VOLUMES, since(0, VolumeChecks::hostPathVolumes)),
                restricted("restrictedVolumes", since(0, VolumeChecks::restrictedVolumes, HOST_PATH_VOLUMES)));
    }

    static CheckResult hostPathVolumes(ObjectMeta meta, PodSpec spec) {
        List<String> volumes = new ArrayList<>();
        for (Volume v : Containers.nz(spec.getVolumes())) {
            if (v.getHostPath() != null) {
                volumes.add(v.getName());
            }
        }
        return volumes.isEmpty() ? CheckResult.ALLOWED : CheckResult.forbidden("hostPath volumes",
                plural("volume", "volumes", volumes.size()) + " " + joinQuote(volumes));
    }

    static CheckResult restrictedVolumes(ObjectMeta meta, PodSpec spec) {
        List<String> volumes = new ArrayList<>();
        Set<String> types = new TreeSet<>();
        for (Volume v : Containers.nz(spec.getVolumes())) {
            if (allowed(v)) {
                continue;
            }
            volumes.add(v.getName());
            types.add(restrictedType(v));
        }
        return volumes.isEmpty() ? CheckResult.ALLOWED : CheckResult.forbidden("restricted volume types",
                plural("volume", "volumes", volumes.size()) + " " + joinQuote(volumes) + " "
                        + plural("uses", "use", volumes.size()) + " "
                        + plural("restricted volume type", "restricted volume types", types.size()) + " "
                        + joinQuote(types));
    }

    private static boolean allowed(Volume v) {
        return v.getConfigMap() != null || v.getCsi() != null || v.getDownwardAPI() != null || v.getEmptyDir() != null
                || v.getEphemeral() != null || v.getImage() != null || v.getPersistentVolumeClaim() != null
                || v.getProjected() != null || v.getSecret() != null;
    }

    /** The name kube gives the volume's type, in kube's order of precedence. */
    private static String restrictedType(Volume v) {
        Object[][] sources = {
                {v.getHostPath(), "hostPath"}, {v.getGcePersistentDisk(), "gcePersistentDisk"},
                {v.getAwsElasticBlockStore(), "awsElasticBlockStore"}, {v.getGitRepo(), "gitRepo"},
                {v.getNfs(), "nfs"}, {v.getIscsi(), "iscsi"}, {v.getGlusterfs(), "glusterfs"}, {v.getRbd(), "rbd"},
                {v.getFlexVolume(), "flexVolume"}, {v.getCinder(), "cinder"}, {v.getCephfs(), "cephfs"},
                {v.getFlocker(), "flocker"}, {v.getFc(), "fc"}, {v.getAzureFile(), "azureFile"},
                {v.getVsphereVolume(), "vsphereVolume"}, {v.getQuobyte(), "quobyte"}, {v.getAzureDisk(), "azureDisk"},
                {v.getPhotonPersistentDisk(), "photonPersistentDisk"}, {v.getPortworxVolume(), "portworxVolume"},
                {v.getScaleIO(), "scaleIO"}, {v.getStorageos(), "storageos"}};
        for (Object[] source : sources) {
            if (source[0] != null) {
                return (String) source[1];
            }
        }
        return "unknown";
    }
}
