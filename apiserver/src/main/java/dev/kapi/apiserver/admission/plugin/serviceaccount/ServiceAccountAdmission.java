package dev.kapi.apiserver.admission.plugin.serviceaccount;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.MutatingAdmission;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.admission.plugin.AdmissionForbidden;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * kube's ServiceAccount admission, for pods created, and for ephemeral containers added (other updates and
 * subresources are left alone):
 *
 * <ul>
 * <li>a pod without {@code serviceAccountName} gets {@code default};</li>
 * <li>the account must exist, else 403 {@code error looking up service account ns/x: serviceaccount "x" not
 *     found} ({@code default} is looked for a while, as the service account controller may be creating it);</li>
 * <li>unless the pod's, else the account's, {@code automountServiceAccountToken} is false, every container and
 *     init container without a mount at {@value TokenVolume#MOUNT_PATH} mounts the projected token volume
 *     {@code kube-api-access-<5 random>} there read-only (see {@link TokenVolume});</li>
 * <li>a pod without {@code imagePullSecrets} gets the account's;</li>
 * <li>an account annotated {@code kubernetes.io/enforce-mountable-secrets: "true"} limits the secrets the pod
 *     may use to those it lists ({@link MountableSecrets});</li>
 * <li>a mirror pod (annotation {@code kubernetes.io/config.mirror}) is not changed and may reference no service
 *     account, no secret and no token projection;</li>
 * <li>an update through {@code pods/ephemeralcontainers} is validated only: the pod must name an account that
 *     exists (else 403), and with an enforcing account its ephemeral containers may use only the secrets it lists.
 *     That refusal is kube's plain error, which kube answers as a 500 with the message alone.</li>
 * </ul>
 */
public final class ServiceAccountAdmission implements MutatingAdmission, ValidatingAdmission {

    public static final String NAME = "ServiceAccount";
    static final String DEFAULT = "default";
    static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
    static final String EPHEMERAL = "ephemeralcontainers";
    /** kube looks for {@code default} this many times, 100-200 ms apart, before it gives up. */
    static final int DEFAULT_ATTEMPTS = 10;

    /** Reads ServiceAccounts; the objects must not be changed. */
    @FunctionalInterface
    public interface ServiceAccounts {
        /**
         * The account, or null when there is none. A recent view may answer for an account it has; one it does
         * not have is read from storage.
         */
        ServiceAccount get(String namespace, String name);
    }

    /** Waits between two looks for {@code default}. */
    @FunctionalInterface
    public interface Pause {
        void pause() throws InterruptedException;
    }

    private final ServiceAccounts accounts;
    private final Supplier<String> volumeName;
    private final Pause pause;

    public ServiceAccountAdmission(ServiceAccounts accounts) {
        this(accounts, TokenVolume::generateName,
                () -> Thread.sleep(100 + ThreadLocalRandom.current().nextInt(100)));
    }

    /** @param volumeName makes the name of a new token volume ({@code kube-api-access-xxxxx}) */
    public ServiceAccountAdmission(ServiceAccounts accounts, Supplier<String> volumeName, Pause pause) {
        this.accounts = accounts;
        this.volumeName = volumeName;
        this.pause = pause;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HasMetadata admit(AdmissionAttributes a) {
        Pod pod = podCreate(a);
        if (pod == null) {
            return a.object();
        }
        if (isMirror(pod)) {
            validate(a);
            return pod;
        }
        PodSpec spec = pod.getSpec();
        if (spec.getServiceAccountName() == null || spec.getServiceAccountName().isEmpty()) {
            spec.setServiceAccountName(DEFAULT);
        }
        ServiceAccount account = account(a, spec.getServiceAccountName());
        if (automount(account, spec)) {
            TokenVolume.mount(spec, volumeName);
        }
        if ((spec.getImagePullSecrets() == null || spec.getImagePullSecrets().isEmpty())
                && account.getImagePullSecrets() != null && !account.getImagePullSecrets().isEmpty()) {
            List<LocalObjectReference> copied = new ArrayList<>();
            account.getImagePullSecrets().forEach(r -> copied.add(new LocalObjectReference(r.getName())));
            spec.setImagePullSecrets(copied);
        }
        validate(a);
        return pod;
    }

    @Override
    public void validate(AdmissionAttributes a) {
        if (a.operation() == Operation.UPDATE && EPHEMERAL.equals(a.subresource()) && a.group().isEmpty()
                && a.resource().resource().equals("pods") && a.object() instanceof Pod pod) {
            validateEphemeral(a, pod);
            return;
        }
        Pod pod = podCreate(a);
        if (pod == null) {
            return;
        }
        if (isMirror(pod)) {
            String why = MountableSecrets.mirrorPodProblem(pod.getSpec());
            if (why != null) {
                throw AdmissionForbidden.of(a, why);
            }
            return;
        }
        ServiceAccount account = enforcingAccount(a, pod);
        String why = account == null ? null : MountableSecrets.problem(account, pod.getSpec());
        if (why != null) {
            throw AdmissionForbidden.of(a, why);
        }
    }

    /** kube's {@code limitEphemeralContainerSecretReferences}. */
    private void validateEphemeral(AdmissionAttributes a, Pod pod) {
        ServiceAccount account = enforcingAccount(a, pod);
        String why = account == null ? null : MountableSecrets.ephemeralProblem(account, pod.getSpec());
        if (why != null) {
            throw StatusError.failure(500, why); // kube: a plain error, which ErrorToAPIStatus answers so
        }
    }

    /**
     * The pod's account when it enforces mountable secrets, null when it does not; 403 when the pod names none or
     * one that does not exist.
     */
    private ServiceAccount enforcingAccount(AdmissionAttributes a, Pod pod) {
        String accountName = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
        if (accountName == null || accountName.isEmpty()) {
            throw AdmissionForbidden.of(a, "no service account specified for pod " + a.namespace() + "/"
                    + (pod.getMetadata() == null ? "" : nz(pod.getMetadata().getName())));
        }
        ServiceAccount account = account(a, accountName);
        return MountableSecrets.enforced(account) ? account : null;
    }

    /** The pod of a create of the pod itself, its spec present; null for anything else. */
    private static Pod podCreate(AdmissionAttributes a) {
        if (a.operation() != Operation.CREATE || !a.mainResource() || !a.group().isEmpty()
                || !a.resource().resource().equals("pods") || !(a.object() instanceof Pod pod)) {
            return null;
        }
        if (pod.getSpec() == null) {
            pod.setSpec(new PodSpec());
        }
        return pod;
    }

    private static boolean isMirror(Pod pod) {
        Map<String, String> annotations = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey(MIRROR_ANNOTATION);
    }

    /** The pod's account; {@code default} is looked for again a few times (its controller may be creating it). */
    private ServiceAccount account(AdmissionAttributes a, String name) {
        int attempts = DEFAULT.equals(name) ? DEFAULT_ATTEMPTS : 1;
        for (int i = 0; i < attempts; i++) {
            if (i > 0) {
                try {
                    pause.pause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            ServiceAccount account = accounts.get(a.namespace(), name);
            if (account != null) {
                return account;
            }
        }
        throw AdmissionForbidden.of(a, "error looking up service account " + a.namespace() + "/" + name
                + ": serviceaccount \"" + name + "\" not found");
    }

    /** The pod's preference wins, then the account's; mounted unless one says false. */
    private static boolean automount(ServiceAccount account, PodSpec spec) {
        if (spec.getAutomountServiceAccountToken() != null) {
            return spec.getAutomountServiceAccountToken();
        }
        return account.getAutomountServiceAccountToken() == null || account.getAutomountServiceAccountToken();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
