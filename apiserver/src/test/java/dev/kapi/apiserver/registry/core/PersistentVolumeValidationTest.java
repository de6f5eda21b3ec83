package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.kapi.apiserver.registry.core.CoreStrategiesTest.read;
import static org.assertj.core.api.Assertions.assertThat;

/** kube's ValidatePersistentVolumeSpec (its cheap part), after kube's defaults, case by case. */
class PersistentVolumeValidationTest {

    private static final String BASE = "'capacity':{'storage':'1Gi'},'accessModes':['ReadWriteOnce']";

    private final PersistentVolumeStrategy strategy = new PersistentVolumeStrategy();

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "%s,'hostPath':{'path':'/data'}|",
            "%s,'nfs':{'server':'nfs.example','path':'/exports'},'persistentVolumeReclaimPolicy':'Recycle'|",
            "%s,'csi':{'driver':'example.com','volumeHandle':'h'},'storageClassName':'fast','volumeMode':'Block'|",
            "%s|spec: Required value: must specify a volume type",
            "%s,'hostPath':{'path':'/a'},'nfs':{'server':'s','path':'/b'}|spec.nfs: Forbidden: may not specify more than 1 volume type",
            "%s,'hostPath':{'path':'/'},'persistentVolumeReclaimPolicy':'Recycle'|spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'",
            "%s,'hostPath':{'path':''}|spec.hostPath.path: Required value",
            "%s,'nfs':{'path':'exports'}|spec.nfs.server: Required value;spec.nfs.path: Invalid value: \"exports\": must be an absolute path",
            "%s,'local':{'path':'/mnt/disk'}|spec.nodeAffinity: Required value: Local volume requires node affinity",
            "%s,'csi':{'driver':'example.com'}|spec.csi.volumeHandle: Required value",
            "%s,'hostPath':{'path':'/a'},'persistentVolumeReclaimPolicy':'Keep'|spec.persistentVolumeReclaimPolicy: Unsupported value: \"Keep\": supported values: \"Delete\", \"Recycle\", \"Retain\"",
            "%s,'hostPath':{'path':'/a'},'volumeMode':'Raw'|spec.volumeMode: Unsupported value: \"Raw\": supported values: \"Block\", \"Filesystem\"",
            "%s,'hostPath':{'path':'/a'},'storageClassName':'Fast_Disk'|spec.storageClassName: Invalid value: \"Fast_Disk\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            "'capacity':{'storage':'1Gi'},'accessModes':['ReadWriteOncePod','ReadWriteOnce'],'hostPath':{'path':'/a'}|spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
            "'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/a'}|spec.capacity: Required value;spec.capacity: Unsupported value: core.ResourceList(nil): supported values: \"storage\"",
            "'capacity':{'storage':'1Gi','cpu':'1'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/a'}|spec.capacity: Unsupported value: core.ResourceList{\"cpu\":\"1\", \"storage\":\"1Gi\"}: supported values: \"storage\"",
            "'capacity':{'storage':'0'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/a'}|spec.capacity[storage]: Invalid value: \"0\": must be greater than zero",
            "'capacity':{'storage':'-1Gi'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/a'}|spec.capacity[storage]: Invalid value: -1073741824: must be a valid resource quantity;spec.capacity[storage]: Invalid value: \"-1Gi\": must be greater than zero",
            "'capacity':{'storage':'1Gi'},'hostPath':{'path':'/a'}|spec.accessModes: Required value"})
    void spec(String spec, String expected) {
        PersistentVolume pv = read("{'metadata':{'name':'pv'},'spec':{" + spec.replace("%s", BASE) + "}}",
                PersistentVolume.class);
        strategy.applyDefaults(pv);
        String[] want = expected == null ? new String[0] : expected.split(";");
        assertThat(strategy.validate(pv)).map(FieldError::toString).containsExactly(want);
    }
}
