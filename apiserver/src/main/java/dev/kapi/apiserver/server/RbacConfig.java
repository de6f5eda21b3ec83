package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.admission.rbac.RbacEscalationAdmission;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.RuleResolver;
import dev.kapi.apiserver.authz.rbac.RbacAuthorizer;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rbac.BootstrapReconciler;
import dev.kapi.apiserver.registry.rbac.RbacPolicyCache;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/**
 * RBAC: the policy cache fed by watches, the authorizer (bean {@code rbacAuthorizer}, looked up by name by
 * {@code --authorization-mode=RBAC}; not a default candidate for injection by type, so the server's own
 * {@link Authorizer} bean stays the one injected), its rule resolver (bean {@code rbacRuleResolver}, type
 * {@link RuleResolver}), the escalation-prevention admission plugin and the bootstrap policy, reconciled at
 * every start before the server takes requests (the cluster role aggregation controller is one of the
 * {@link ControllersConfig controllers}).
 */
@Configuration(proxyBeanMethods = false)
public class RbacConfig {

    private static final Logger LOG = LoggerFactory.getLogger(RbacConfig.class);

    @Bean(destroyMethod = "close")
    RbacPolicyCache rbacPolicyCache(StoreRegistry stores) {
        return new RbacPolicyCache(stores);
    }

    @Bean
    InformerSync rbacInformersSynced(RbacPolicyCache cache) {
        return cache::synced;
    }

    @Bean(defaultCandidate = false)
    RbacAuthorizer rbacEngine(RbacPolicyCache cache) {
        return new RbacAuthorizer(cache);
    }

    /** What {@code --authorization-mode=RBAC} asks (looked up by this name by the authorizer chain). */
    @Bean(defaultCandidate = false)
    Authorizer rbacAuthorizer(@Qualifier("rbacEngine") RbacAuthorizer rbac) {
        return rbac;
    }

    @Bean
    RuleResolver rbacRuleResolver(@Qualifier("rbacEngine") RbacAuthorizer rbac) {
        return rbac::rulesFor;
    }

    @Bean
    ValidatingAdmission rbacEscalationAdmission(@Qualifier("rbacEngine") RbacAuthorizer rbac,
                                                ObjectProvider<Authorizer> authorizer) {
        return new RbacEscalationAdmission(rbac, rbac, authorizer::getObject);
    }

    @Bean
    BootstrapReconciler rbacBootstrapReconciler(StoreRegistry stores, WritePipeline writes) {
        return new BootstrapReconciler(stores, writes);
    }

    @Bean
    SmartLifecycle rbacStartup(BootstrapReconciler bootstrap, RbacPolicyCache cache) {
        return new RbacStartup(bootstrap, cache);
    }

    /**
     * Before the web server starts: reconciles the bootstrap policy (retrying in the background while
     * storage fails), starts the cache and waits briefly for its first lists.
     */
    static final class RbacStartup extends StartupStep {
        private final BootstrapReconciler bootstrap;
        private final RbacPolicyCache cache;

        RbacStartup(BootstrapReconciler bootstrap, RbacPolicyCache cache) {
            super(0);
            this.bootstrap = bootstrap;
            this.cache = cache;
        }

        @Override
        protected void begin() {
            if (!reconcileOnce()) {
                Thread.ofVirtual().name("rbac-bootstrap").start(() -> {
                    while (isRunning() && !reconcileOnce()) {
                        try {
                            Thread.sleep(2000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            cache.start();
            try {
                if (!cache.awaitSynced(Duration.ofSeconds(10))) {
                    LOG.warn("RBAC cache not synced after 10s; RBAC denies until it is");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private boolean reconcileOnce() {
            try {
                bootstrap.reconcile();
                return true;
            } catch (RuntimeException e) {
                LOG.warn("RBAC bootstrap policy not reconciled yet: {}", e.toString());
                return false;
            }
        }
    }
}
