package dev.kapi.apiserver.admission.plugin.serviceaccount;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.plugin.PluginFixtures;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.testing.PlainJson;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Pods created get a service account (default {@code default}, which must exist), the projected API access
 * volume mounted in every container that has nothing at its path, and the account's image pull secrets;
 * mirror pods and mountable-secret accounts are held to kube's limits; other writes are left alone.
 */
class ServiceAccountAdmissionTest {

    private static final String VOLUME = "{'name':'kube-api-access-abcde','projected':{'defaultMode':420,'sources':["
            + "{'serviceAccountToken':{'expirationSeconds':3607,'path':'token'}},"
            + "{'configMap':{'items':[{'key':'ca.crt','path':'ca.crt'}],'name':'kube-root-ca.crt'}},"
            + "{'downwardAPI':{'items':[{'fieldRef':{'apiVersion':'v1','fieldPath':'metadata.namespace'},'path':'namespace'}]}}]}}";
    private static final String MOUNT =
            "{'mountPath':'/var/run/secrets/kubernetes.io/serviceaccount','name':'kube-api-access-abcde','readOnly':true}";

    private final Map<String, ServiceAccount> accounts = new HashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicInteger pauses = new AtomicInteger();
    private final ServiceAccountAdmission plugin = new ServiceAccountAdmission((ns, name) -> {
        lookups.incrementAndGet();
        return accounts.get(ns + "/" + name);
    }, () -> "kube-api-access-abcde", pauses::incrementAndGet);

    /** An account in namespace ns: {@code name} or {@code name=field,field} (fields of the account's JSON). */
    private void account(String spec) {
        String name = spec.contains("=") ? spec.substring(0, spec.indexOf('=')) : spec;
        String fields = spec.contains("=") ? "," + spec.substring(spec.indexOf('=') + 1) : "";
        accounts.put("ns/" + name, PluginFixtures.read(ServiceAccount.class,
                "{'metadata':{'name':'" + name + "','namespace':'ns'}" + fields + "}"));
    }

    /**
     * Account {@code locked}: enforces mountable secrets, lists secret {@code mine} and pull secret {@code reg},
     * mounts no token.
     */
    private void lockedAccount() {
        accounts.put("ns/locked", PluginFixtures.read(ServiceAccount.class, "{'metadata':{'name':'locked',"
                + "'namespace':'ns','annotations':{'kubernetes.io/enforce-mountable-secrets':'true'}},"
                + "'secrets':[{'name':'mine'}],'imagePullSecrets':[{'name':'reg'}],'automountServiceAccountToken':false}"));
    }

    private static AdmissionAttributes create(Pod pod) {
        return PluginFixtures.attrs(Operation.CREATE, "pods", "", "ns", "p", pod, null);
    }

    private static Pod pod(String spec) {
        return PluginFixtures.read(Pod.class, "{'metadata':{'name':'p'},'spec':" + spec + "}");
    }

    @ParameterizedTest(name = "[{index}] {0} with account {1}")
    @CsvSource(delimiter = '|', value = {
            // no account named: default, token volume in every container and init container
            "{'containers':[{'name':'a'}],'initContainers':[{'name':'i'}]} | default"
                    + " | {'containers':[{'name':'a','volumeMounts':[" + MOUNT + "]}],'initContainers':[{'name':'i','volumeMounts':[" + MOUNT + "]}],'serviceAccountName':'default','volumes':[" + VOLUME + "]}",
            // the pod says no token
            "{'automountServiceAccountToken':false,'containers':[{'name':'a'}]} | default"
                    + " | {'automountServiceAccountToken':false,'containers':[{'name':'a'}],'serviceAccountName':'default'}",
            // the account says no token
            "{'containers':[{'name':'a'}],'serviceAccountName':'quiet'} | quiet='automountServiceAccountToken':false"
                    + " | {'containers':[{'name':'a'}],'serviceAccountName':'quiet'}",
            // the pod's preference wins over the account's
            "{'automountServiceAccountToken':true,'containers':[{'name':'a'}],'serviceAccountName':'quiet'} | quiet='automountServiceAccountToken':false"
                    + " | {'automountServiceAccountToken':true,'containers':[{'name':'a','volumeMounts':[" + MOUNT + "]}],'serviceAccountName':'quiet','volumes':[" + VOLUME + "]}",
            // a container with its own mount at the path keeps it; the others get the token
            "{'containers':[{'name':'a','volumeMounts':[{'name':'mine','mountPath':'/var/run/secrets/kubernetes.io/serviceaccount'}]},{'name':'b'}],'volumes':[{'name':'mine','emptyDir':{}}]} | default"
                    + " | {'containers':[{'name':'a','volumeMounts':[{'mountPath':'/var/run/secrets/kubernetes.io/serviceaccount','name':'mine'}]},{'name':'b','volumeMounts':[" + MOUNT + "]}],'serviceAccountName':'default','volumes':[{'emptyDir':{},'name':'mine'}," + VOLUME + "]}",
            // every container mounts something there already: no volume
            "{'containers':[{'name':'a','volumeMounts':[{'name':'mine','mountPath':'/var/run/secrets/kubernetes.io/serviceaccount'}]}],'volumes':[{'name':'mine','emptyDir':{}}]} | default"
                    + " | {'containers':[{'name':'a','volumeMounts':[{'mountPath':'/var/run/secrets/kubernetes.io/serviceaccount','name':'mine'}]}],'serviceAccountName':'default','volumes':[{'emptyDir':{},'name':'mine'}]}",
            // a kube-api-access volume the pod has already is mounted, not added again
            "{'containers':[{'name':'a'}],'volumes':[{'name':'kube-api-access-zzzzz','emptyDir':{}}]} | default"
                    + " | {'containers':[{'name':'a','volumeMounts':[{'mountPath':'/var/run/secrets/kubernetes.io/serviceaccount','name':'kube-api-access-zzzzz','readOnly':true}]}],'serviceAccountName':'default','volumes':[{'emptyDir':{},'name':'kube-api-access-zzzzz'}]}",
            // the account's image pull secrets, unless the pod has some
            "{'automountServiceAccountToken':false,'containers':[{'name':'a'}]} | default='imagePullSecrets':[{'name':'reg'}]"
                    + " | {'automountServiceAccountToken':false,'containers':[{'name':'a'}],'imagePullSecrets':[{'name':'reg'}],'serviceAccountName':'default'}",
            "{'automountServiceAccountToken':false,'containers':[{'name':'a'}],'imagePullSecrets':[{'name':'own'}]} | default='imagePullSecrets':[{'name':'reg'}]"
                    + " | {'automountServiceAccountToken':false,'containers':[{'name':'a'}],'imagePullSecrets':[{'name':'own'}],'serviceAccountName':'default'}",
    })
    void shapesANewPod(String spec, String account, String expected) {
        account(account);
        Pod pod = pod(spec);
        assertThat(plugin.admit(create(pod))).isSameAs(pod);
        plugin.validate(create(pod));
        // what the plugin set, not Go's zero-value shape
        assertThat(PlainJson.string(pod.getSpec()).replace('"', '\'')).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "{'serviceAccountName':'builder','containers':[{'name':'a'}]} | 1"
                    + " | error looking up service account ns/builder: serviceaccount \"builder\" not found",
            "{'containers':[{'name':'a'}]} | 10 | error looking up service account ns/default: serviceaccount \"default\" not found",
    })
    void aMissingAccountIsRefused(String spec, int attempts, String message) {
        PluginFixtures.forbidden(() -> plugin.admit(create(pod(spec))), "pods \"p\" is forbidden: " + message);
        assertThat(lookups).hasValue(attempts);
        assertThat(pauses).hasValue(attempts - 1);
    }

    @Test
    void theDefaultAccountIsAwaitedWhileItsControllerCreatesIt() {
        ServiceAccountAdmission late = new ServiceAccountAdmission((ns, name) -> lookups.incrementAndGet() < 3 ? null
                : PluginFixtures.read(ServiceAccount.class, "{'metadata':{'name':'default','namespace':'ns'}}"),
                () -> "kube-api-access-abcde", pauses::incrementAndGet);
        Pod pod = pod("{'containers':[{'name':'a'}]}");
        late.admit(create(pod));
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("default");
        assertThat(pauses).hasValue(2);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "{'containers':[{'name':'a'}]} | admitted",
            "{'serviceAccountName':'default','containers':[{'name':'a'}]} | a mirror pod may not reference service accounts",
            "{'containers':[{'name':'a'}],'volumes':[{'name':'s','secret':{'secretName':'x'}}]} | a mirror pod may not reference secrets",
            "{'containers':[{'name':'a','env':[{'name':'E','valueFrom':{'secretKeyRef':{'name':'x','key':'k'}}}]}]} | a mirror pod may not reference secrets",
            "{'containers':[{'name':'a','envFrom':[{'secretRef':{'name':'x'}}]}]} | a mirror pod may not reference secrets",
            "{'containers':[{'name':'a'}],'imagePullSecrets':[{'name':'x'}]} | a mirror pod may not reference secrets",
            "{'containers':[{'name':'a'}],'volumes':[{'name':'t','projected':{'sources':[{'serviceAccountToken':{'path':'t'}}]}}]} | a mirror pod may not use ServiceAccountToken volume projections",
    })
    void aMirrorPodIsNotChangedAndMayNotUseAccountsOrSecrets(String spec, String expected) {
        Pod pod = PluginFixtures.read(Pod.class, "{'metadata':{'name':'p','annotations':{'kubernetes.io/config.mirror':'x'}},"
                + "'spec':" + spec + "}");
        String before = PluginFixtures.json(pod);
        if (expected.equals("admitted")) {
            plugin.admit(create(pod));
            plugin.validate(create(pod));
            assertThat(PluginFixtures.json(pod)).isEqualTo(before);
            assertThat(lookups).hasValue(0);
            return;
        }
        PluginFixtures.forbidden(() -> plugin.admit(create(pod)), "pods \"p\" is forbidden: " + expected);
        PluginFixtures.forbidden(() -> plugin.validate(create(pod)), "pods \"p\" is forbidden: " + expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "{'containers':[{'name':'a'}],'volumes':[{'name':'s','secret':{'secretName':'mine'}}]} | admitted",
            "{'containers':[{'name':'a'}],'volumes':[{'name':'s','secret':{'secretName':'other'}}]}"
                    + " | volume with secret.secretName=\"other\" is not allowed because service account locked does not reference that secret",
            "{'initContainers':[{'name':'i','env':[{'name':'E','valueFrom':{'secretKeyRef':{'name':'other','key':'k'}}}]}],'containers':[{'name':'a'}]}"
                    + " | init container i with envVar E referencing secret.secretName=\"other\" is not allowed because service account locked does not reference that secret",
            "{'containers':[{'name':'a','envFrom':[{'secretRef':{'name':'other'}}]}]}"
                    + " | container a with envFrom referencing secret.secretName=\"other\" is not allowed because service account locked does not reference that secret",
            "{'containers':[{'name':'a'}],'imagePullSecrets':[{'name':'reg'},{'name':'other'}]}"
                    + " | imagePullSecrets[1].name=\"other\" is not allowed because service account locked does not reference that imagePullSecret",
    })
    void anAccountMayLimitTheSecretsItsPodsUse(String spec, String expected) {
        lockedAccount();
        Pod p = pod(spec);
        p.getSpec().setServiceAccountName("locked");
        if (expected.equals("admitted")) {
            plugin.admit(create(p));
            plugin.validate(create(p));
            return;
        }
        PluginFixtures.forbidden(() -> plugin.admit(create(p)), "pods \"p\" is forbidden: " + expected);
        PluginFixtures.forbidden(() -> plugin.validate(create(p)), "pods \"p\" is forbidden: " + expected);
    }

    /** kube's limitEphemeralContainerSecretReferences, on an update through pods/ephemeralcontainers. */
    @ParameterizedTest(name = "[{index}] {0} as {1}")
    @CsvSource(delimiter = '|', value = {
            "{'name':'dbg','env':[{'name':'E','valueFrom':{'secretKeyRef':{'name':'mine','key':'k'}}}]} | locked | admitted",
            "{'name':'dbg','env':[{'name':'E','valueFrom':{'secretKeyRef':{'name':'other','key':'k'}}}]} | locked"
                    + " | 500 ephemeral container dbg with envVar E referencing secret.secretName=\"other\" is not allowed because service account locked does not reference that secret",
            "{'name':'dbg','envFrom':[{'secretRef':{'name':'other'}}]} | locked"
                    + " | 500 ephemeral container dbg with envFrom referencing secret.secretName=\"other\" is not allowed because service account locked does not reference that secret",
            // an account that does not enforce: anything goes
            "{'name':'dbg','envFrom':[{'secretRef':{'name':'other'}}]} | open | admitted",
            "{'name':'dbg'} | '' | 403 pods \"p\" is forbidden: no service account specified for pod ns/p",
            "{'name':'dbg'} | gone | 403 pods \"p\" is forbidden: error looking up service account ns/gone: serviceaccount \"gone\" not found",
    })
    void ephemeralContainersMayUseOnlyTheSecretsAnEnforcingAccountLists(String container, String account,
            String expected) {
        lockedAccount();
        account("open");
        Pod old = pod("{'serviceAccountName':'" + account + "','containers':[{'name':'a'}]}");
        Pod pod = pod("{'serviceAccountName':'" + account + "','containers':[{'name':'a'}],'ephemeralContainers':["
                + container + "]}");
        AdmissionAttributes a = PluginFixtures.attrs(Operation.UPDATE, "pods", "ephemeralcontainers", "ns", "p", pod,
                old);
        String before = PluginFixtures.json(pod);
        plugin.admit(a); // nothing to mutate
        assertThat(PluginFixtures.json(pod)).isEqualTo(before);
        if (expected.equals("admitted")) {
            plugin.validate(a);
            return;
        }
        if (expected.startsWith("403 ")) {
            PluginFixtures.forbidden(() -> plugin.validate(a), expected.substring(4));
            return;
        }
        StatusError e = catchThrowableOfType(StatusError.class, () -> plugin.validate(a));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.code()).isEqualTo(500);
        assertThat(e.reason()).isNull(); // kube's ErrorToAPIStatus of a plain error: no reason, the message alone
        assertThat(e.getMessage()).isEqualTo(expected.substring(4));
    }

    @ParameterizedTest(name = "[{index}] {0} pods/{1}")
    @CsvSource({"UPDATE, ''", "CREATE, status", "CREATE, binding", "DELETE, ''"})
    void otherWritesAreLeftAlone(Operation op, String subresource) {
        Pod pod = pod("{'containers':[{'name':'a'}]}");
        String before = PluginFixtures.json(pod);
        AdmissionAttributes a = PluginFixtures.attrs(op, "pods", subresource, "ns", "p",
                op == Operation.DELETE ? null : pod, op == Operation.CREATE ? null : pod);
        plugin.admit(a);
        plugin.validate(a);
        assertThat(PluginFixtures.json(pod)).isEqualTo(before);
        assertThat(lookups).hasValue(0);
    }

    @Test
    void aPodWithoutAccountIsRefusedWhenItsMutationWasSkipped() {
        PluginFixtures.forbidden(() -> plugin.validate(create(pod("{'containers':[{'name':'a'}]}"))),
                "pods \"p\" is forbidden: no service account specified for pod ns/p");
    }

    @Test
    void aDryRunIsShapedTheSame() {
        account("default");
        Pod pod = pod("{'containers':[{'name':'a'}]}");
        AdmissionAttributes dry = new AdmissionAttributes(Operation.CREATE, create(pod).kind(), create(pod).kind(),
                create(pod).resource(), "", "ns", "p", pod, null, null, null, true, null);
        plugin.admit(dry);
        assertThat(pod.getSpec().getVolumes()).singleElement()
                .satisfies(v -> assertThat(v.getName()).isEqualTo("kube-api-access-abcde"));
    }
}
