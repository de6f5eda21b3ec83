package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.plugin.resourcequota.Evaluators;
import dev.kapi.apiserver.admission.plugin.resourcequota.QuotaConfiguration;
import dev.kapi.apiserver.admission.plugin.resourcequota.ResourceQuotaAdmission;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/**
 * kube-apiserver's ResourceQuota admission plugin (on by default), with its configuration from
 * {@code --admission-control-config-file}, reading and charging quotas through {@link StoredQuotas}: the
 * resourcequotas store, and an informer of its own that tells which namespaces have none.
 */
@Configuration(proxyBeanMethods = false)
public class QuotaAdmissionConfig {

    /** Before the controllers ({@link ControllersConfig#PHASE}), after the RBAC bootstrap. */
    static final int PHASE = 1;

    @Bean(destroyMethod = "close")
    Informer<ResourceQuota> admissionQuotaInformer(StoreRegistry stores) {
        return new Informer<>(quotaStore(stores), "admission", InformerOptions.DEFAULTS);
    }

    @Bean
    InformerSync admissionQuotaInformerSynced(Informer<ResourceQuota> admissionQuotaInformer) {
        return admissionQuotaInformer::hasSynced;
    }

    @Bean
    SmartLifecycle admissionQuotaInformerStartup(Informer<ResourceQuota> admissionQuotaInformer) {
        return new StartupStep(PHASE) {
            @Override
            protected void begin() {
                admissionQuotaInformer.start();
            }
        };
    }

    @Bean
    ResourceQuotaAdmission resourceQuotaAdmission(StoreRegistry stores, Informer<ResourceQuota> admissionQuotaInformer,
                                                  ObjectProvider<WritePipeline> writes, AdmissionConfigFile config) {
        QuotaConfiguration configuration;
        try {
            configuration = QuotaConfiguration.parse(config.plugin("ResourceQuota"));
        } catch (IllegalArgumentException e) {
            throw new StartupFailure("admission plugin ResourceQuota configuration: " + e.getMessage());
        }
        StoredQuotas quotas = new StoredQuotas(quotaStore(stores), admissionQuotaInformer, writes::getObject);
        return new ResourceQuotaAdmission(quotas, new Evaluators(Clock.systemUTC()), configuration);
    }

    private static Store<ResourceQuota> quotaStore(StoreRegistry stores) {
        return stores.find("", "v1", "resourcequotas", ResourceQuota.class).orElseThrow();
    }
}
