package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.plugin.admit.AlwaysAdmit;
import dev.kapi.apiserver.admission.plugin.defaultstorageclass.DefaultStorageClass;
import dev.kapi.apiserver.admission.plugin.defaulttolerationseconds.DefaultTolerationSeconds;
import dev.kapi.apiserver.admission.plugin.deny.AlwaysDeny;
import dev.kapi.apiserver.admission.plugin.limitranger.LimitRanger;
import dev.kapi.apiserver.admission.plugin.nodetaint.TaintNodesByCondition;
import dev.kapi.apiserver.admission.plugin.priority.PriorityAdmission;
import dev.kapi.apiserver.admission.plugin.serviceaccount.ServiceAccountAdmission;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * kube-apiserver's built-in admission plugins that read or shape pods, claims and nodes (ServiceAccount,
 * LimitRanger, DefaultStorageClass, DefaultTolerationSeconds, Priority, TaintNodesByCondition) and the two
 * trivial ones (AlwaysAdmit, AlwaysDeny). Each runs when {@code --enable-admission-plugins} /
 * {@code --disable-admission-plugins} and kube's defaults enable its name (all but the last two are on by
 * default). What they read comes from {@link BuiltinAdmissionReads}; the PriorityClasses every cluster has are
 * created at startup by {@link SystemPriorityClasses}.
 */
@Configuration(proxyBeanMethods = false)
public class BuiltinAdmissionConfig {

    @Bean(destroyMethod = "close")
    BuiltinAdmissionReads builtinAdmissionReads(StoreRegistry stores) {
        return new BuiltinAdmissionReads(stores).start();
    }

    @Bean
    InformerSync builtinAdmissionInformersSynced(BuiltinAdmissionReads reads) {
        return reads::synced;
    }

    @Bean
    ServiceAccountAdmission serviceAccountAdmission(BuiltinAdmissionReads reads) {
        return new ServiceAccountAdmission(reads.serviceAccounts());
    }

    @Bean
    LimitRanger limitRanger(BuiltinAdmissionReads reads) {
        return new LimitRanger(reads.limitRanges());
    }

    @Bean
    DefaultStorageClass defaultStorageClass(BuiltinAdmissionReads reads) {
        return new DefaultStorageClass(reads::storageClasses);
    }

    /** kube-apiserver's {@code --default-not-ready-toleration-seconds} and {@code --default-unreachable-...}. */
    @Bean
    DefaultTolerationSeconds defaultTolerationSeconds(
            @Value("${default-not-ready-toleration-seconds:300}") long notReadySeconds,
            @Value("${default-unreachable-toleration-seconds:300}") long unreachableSeconds) {
        return new DefaultTolerationSeconds(notReadySeconds, unreachableSeconds);
    }

    @Bean
    PriorityAdmission priorityAdmission(BuiltinAdmissionReads reads) {
        return new PriorityAdmission(reads.priorityClasses());
    }

    @Bean
    SystemPriorityClasses systemPriorityClasses(StoreRegistry stores, WritePipeline writes) {
        return new SystemPriorityClasses(stores, writes);
    }

    @Bean
    TaintNodesByCondition taintNodesByCondition() {
        return new TaintNodesByCondition();
    }

    @Bean
    AlwaysAdmit alwaysAdmit() {
        return new AlwaysAdmit();
    }

    @Bean
    AlwaysDeny alwaysDeny() {
        return new AlwaysDeny();
    }
}
