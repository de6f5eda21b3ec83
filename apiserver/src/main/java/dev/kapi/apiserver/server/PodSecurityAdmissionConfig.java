package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.plugin.podsecurity.Evaluator;
import dev.kapi.apiserver.admission.plugin.podsecurity.PodSecurity;
import dev.kapi.apiserver.admission.plugin.podsecurity.PodSecurityConfiguration;
import dev.kapi.apiserver.admission.plugin.podsecurity.PolicyVersion;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.discovery.VersionHandler;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Map;

/**
 * kube-apiserver's PodSecurity admission plugin: its configuration from the "PodSecurity" entry of
 * {@code --admission-control-config-file} (a bad one stops the server), namespace labels and pods read from
 * their stores (a consistent read per checked write, so a label just set is seen by the next pod on every
 * server), and the policy versions of the Kubernetes release this server follows: {@code latest} means that
 * release's checks, as on a kube-apiserver of the same version.
 */
@Configuration(proxyBeanMethods = false)
public class PodSecurityAdmissionConfig {

    /** The policy version {@code latest} means: the release {@link VersionHandler} reports. */
    static final PolicyVersion SERVED = PolicyVersion.of(Integer.parseInt(VersionHandler.MAJOR),
            Integer.parseInt(VersionHandler.MINOR));

    @Bean
    PodSecurity podSecurity(AdmissionConfigFile configFile, StoreRegistry stores) {
        Store<Namespace> namespaces = stores.find("", "v1", "namespaces", Namespace.class).orElseThrow();
        Store<Pod> pods = stores.find("", "v1", "pods", Pod.class).orElseThrow();
        return podSecurity(configFile, name -> { // kube's lister with a live fallback
            Namespace ns = namespaces.lookup("", name);
            if (ns == null) {
                throw StatusError.notFound(new GroupResource("", "namespaces"), name);
            }
            Map<String, String> labels = ns.getMetadata().getLabels();
            return labels == null ? Map.of() : labels;
        }, namespace -> pods.list(namespace, ListParams.all()).items());
    }

    /** The plugin over the given readers; a bad configuration is a {@link StartupFailure} in kube's words. */
    static PodSecurity podSecurity(AdmissionConfigFile configFile, PodSecurity.Namespaces namespaces,
                                   PodSecurity.Pods pods) {
        PodSecurityConfiguration config;
        try {
            config = PodSecurityConfiguration.parse(configFile.plugin("PodSecurity"));
        } catch (IllegalArgumentException e) {
            throw new StartupFailure("PodSecurity invalid: " + e.getMessage());
        }
        return new PodSecurity(config, new Evaluator(Evaluator.allChecks(), SERVED), namespaces, pods);
    }
}
