package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.plugin.cel.ExpressionCompiler;
import dev.kapi.apiserver.admission.plugin.matching.EquivalentResources;
import dev.kapi.apiserver.admission.plugin.policy.validating.ValidatingAdmissionPolicyPlugin;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.SubresourceKinds;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * The ValidatingAdmissionPolicy plugin (kube's default-on {@code ValidatingAdmissionPolicy}) over the registry:
 * policies and bindings from informers on their stores (a change is enforced within a second on every server
 * sharing the store), params from informers started for each paramKind on first use, namespaces from an
 * informer (storage when not cached yet), the server's authorizer chain for {@code authorizer}, and the served
 * versions of a resource as its equivalents. Without the admissionregistration.k8s.io policy resources the
 * plugin has nothing to enforce.
 */
@Configuration(proxyBeanMethods = false)
public class PolicyAdmissionConfig {

    @Bean(destroyMethod = "close")
    PolicyInformers policyInformers(StoreRegistry stores) {
        PolicyInformers informers = new PolicyInformers(stores);
        informers.start();
        return informers;
    }

    @Bean
    InformerSync policyInformersSynced(PolicyInformers informers) {
        return informers::listed;
    }

    /**
     * The authorizer is looked up on first use: it is built from beans that need the admission chain. The CEL
     * environment is built in the background meanwhile, so that the first policy is enforced without that delay.
     */
    @Bean
    ValidatingAdmissionPolicyPlugin validatingAdmissionPolicy(PolicyInformers informers, StoreRegistry stores,
                                                              @Qualifier("authorizer") ObjectProvider<Authorizer> authorizer) {
        Thread.ofVirtual().name("admission-cel-warm-up").start(ExpressionCompiler::warmUp);
        return new ValidatingAdmissionPolicyPlugin(informers, informers.params(), informers.namespaces(),
                equivalents(stores), attributes -> authorizer.getObject().authorize(attributes));
    }

    /** kube's EquivalentResourceMapper: the served versions of the same group and resource. */
    static EquivalentResources equivalents(StoreRegistry stores) {
        return new EquivalentResources() {
            @Override
            public List<GroupVersionResource> equivalents(GroupVersionResource resource, String subresource) {
                List<GroupVersionResource> all = stores.resources().all().stream()
                        .filter(d -> d.group().equals(resource.group()) && d.resource().equals(resource.resource()))
                        .filter(d -> subresource.isEmpty() || d.hasSubresource(subresource))
                        .map(ResourceDefinition::groupVersionResource).toList();
                return all.contains(resource) ? all : List.of(resource);
            }

            @Override
            public GroupVersionKind kindFor(GroupVersionResource resource, String subresource) {
                return stores.resources().find(resource.group(), resource.version(), resource.resource())
                        .map(d -> subresource.isEmpty() ? d.groupVersionKind()
                                : SubresourceKinds.of(d, subresource).kindOf(d))
                        .orElse(null);
            }
        };
    }
}
