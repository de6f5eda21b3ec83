package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.AdmissionChain;
import dev.kapi.apiserver.admission.AdmissionPlugins;
import dev.kapi.apiserver.admission.MutatingAdmission;
import dev.kapi.apiserver.admission.NamespaceLifecycle;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.authn.TokenAuthenticator;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenOptions;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.ChainRules;
import dev.kapi.apiserver.authz.RuleResolver;
import dev.kapi.apiserver.controllers.ControllerManager;
import dev.kapi.apiserver.endpoints.ApiServlet;
import dev.kapi.apiserver.endpoints.PathHandler;
import dev.kapi.apiserver.endpoints.handlers.OpenWatches;
import dev.kapi.apiserver.endpoints.ui.RootPathsHandler;
import dev.kapi.apiserver.endpoints.ResourceDispatcher;
import dev.kapi.apiserver.endpoints.discovery.DiscoveryHandler;
import dev.kapi.apiserver.endpoints.discovery.HealthHandler;
import dev.kapi.apiserver.endpoints.discovery.VersionHandler;
import dev.kapi.apiserver.endpoints.handlers.BindingHandler;
import dev.kapi.apiserver.endpoints.handlers.ComponentStatusHandler;
import dev.kapi.apiserver.endpoints.handlers.MetricsHandler;
import dev.kapi.apiserver.endpoints.handlers.VerbHandler;
import dev.kapi.apiserver.endpoints.openapi.OpenApiHandler;
import dev.kapi.apiserver.endpoints.reviews.ReviewHandlers;
import dev.kapi.apiserver.endpoints.tokens.TokenRequestHandler;
import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.StorageDecorator;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.groups.metrics.MetricsResources;
import dev.kapi.apiserver.registry.core.NamespaceExistence;
import dev.kapi.apiserver.registry.core.ServiceAllocations;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.storage.Storage;
import io.fabric8.kubernetes.api.model.Namespace;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The beans behind the API handler: admission, registry and handlers (security beans: {@link SecurityConfig}). */
@Configuration(proxyBeanMethods = false)
public class ApiConfig {

    /**
     * Every admission plugin bean, run when {@code --enable-admission-plugins} / {@code
     * --disable-admission-plugins} and kube's defaults enable its name; a bad flag stops the server.
     */
    @Bean
    AdmissionChain admissionChain(List<MutatingAdmission> mutating, List<ValidatingAdmission> validating,
                                  ServerOptions options) {
        Set<String> implemented = new HashSet<>();
        mutating.forEach(p -> implemented.add(p.name()));
        validating.forEach(p -> implemented.add(p.name()));
        try {
            AdmissionChain chain = new AdmissionChain(mutating, validating, AdmissionPlugins.enabled(
                    options.admission().enable(), options.admission().disable(), implemented));
            LoggerFactory.getLogger(AdmissionChain.class).info("Admission plugins, in the order they run: {}",
                    String.join(", ", chain.names()));
            return chain;
        } catch (IllegalArgumentException e) {
            throw new StartupFailure(e.getMessage());
        }
    }

    /** {@code --admission-control-config-file}: each plugin's configuration by name. */
    @Bean
    AdmissionConfigFile admissionConfigFile(ServerOptions options) {
        return AdmissionConfigFile.load(options.admission().configFile());
    }

    /** Every write, from a request or from the server's own writers: admission around the store. */
    @Bean
    WritePipeline writePipeline(AdmissionChain admission) {
        return new WritePipeline(admission);
    }

    /** kube-apiserver's NamespaceLifecycle: creates only in namespaces that exist and are not being deleted. */
    @Bean
    NamespaceLifecycle namespaceLifecycle(StoreRegistry stores) {
        return new NamespaceLifecycle(new NamespaceExistence(
                stores.find("", "v1", "namespaces", Namespace.class).orElseThrow()));
    }

    @Bean
    ResourceRegistry resourceRegistry(Storage storage, ServerOptions options) {
        try {
            ServiceAllocations.checkRanges(options.serviceClusterIpRange(), options.serviceNodePortRange());
        } catch (IllegalArgumentException e) {
            throw new StartupFailure(e.getMessage(), e);
        }
        return new ResourceRegistry(BuiltInResources.all(new RegistryContext(storage, options.etcdPrefix(),
                options.serviceClusterIpRange(), options.serviceNodePortRange())));
    }

    /**
     * Each resource's store on the storage backend, behind every {@link StorageDecorator} bean: the first in
     * their order nearest the backend (the metrics' timing, then e.g. a cache), the last in front.
     */
    @Bean
    StoreRegistry storeRegistry(ResourceRegistry resources, Storage storage, ServerOptions options,
                                ObjectProvider<StorageDecorator> decorators) {
        List<StorageDecorator> all = decorators.orderedStream().toList();
        return new StoreRegistry(resources, storage, options.etcdPrefix(), (definition, backend) -> {
            Storage decorated = backend;
            for (StorageDecorator d : all) {
                decorated = d.decorate(definition, decorated);
            }
            return decorated;
        });
    }

    /**
     * The review APIs ask the server's authorizer chain (the bean named "authorizer"), its rules (each
     * authorizer's in the chain: RBAC's, AlwaysAllow's everything, a webhook's none and incomplete) and tokens.
     */
    @Bean
    ReviewHandlers reviewHandlers(Authorizer authorizer, ObjectProvider<RuleResolver> ruleResolver,
                                  @Qualifier("rbacAuthorizer") ObjectProvider<Authorizer> rbac,
                                  List<TokenAuthenticator> tokenAuthenticators, ServiceAccountTokenOptions tokens) {
        java.util.function.Supplier<RuleResolver> rules = () -> new ChainRules(authorizer, rbac.getIfAvailable(),
                ruleResolver.getIfUnique());
        return new ReviewHandlers(authorizer, rules, tokenAuthenticators, tokens.apiAudiences(), Clock.systemUTC());
    }

    @Bean
    ResourceDispatcher resourceDispatcher(StoreRegistry stores, WritePipeline writes, ReviewHandlers reviews,
                                          TokenRequestHandler tokenRequests, Authorizer authorizer, Storage storage,
                                          ControllerOptions controllers) {
        Map<GroupResource, VerbHandler> own = new HashMap<>(reviews.byResource());
        own.put(new GroupResource("", "componentstatuses"), new ComponentStatusHandler(storage::isHealthy,
                controllers.settings().selection().enabled("kube-scheduler")));
        own.put(new GroupResource("", "bindings"), new BindingHandler(stores));
        MetricsHandler metrics = new MetricsHandler(stores, Clock.systemUTC());
        own.put(new GroupResource(MetricsResources.GROUP, "nodes"), metrics);
        own.put(new GroupResource(MetricsResources.GROUP, "pods"), metrics);
        return new ResourceDispatcher(stores, writes, own, tokenRequests, authorizer);
    }

    @Bean
    PathHandler discoveryHandler(ResourceRegistry resources) {
        return new DiscoveryHandler(resources);
    }

    @Bean
    PathHandler openApiHandler(ResourceRegistry resources) {
        return new OpenApiHandler(resources);
    }

    @Bean
    PathHandler versionHandler() {
        return new VersionHandler();
    }

    /**
     * SIGTERM as kube-apiserver: /readyz fails, requests are served for --shutdown-delay-duration, then the open
     * watches end cleanly and the web server drains the requests in progress; bounded stop.
     */
    @Bean
    ServerShutdown serverShutdown(ServerOptions options, OpenWatches watches) {
        return new ServerShutdown(options.shutdownDelay(), watches::endAll);
    }

    /** The watches being streamed, for the watch handler (in the servlet context) and for stopping. */
    @Bean
    OpenWatches openWatches() {
        return new OpenWatches();
    }

    @Bean
    ServletContextInitializer openWatchesInContext(OpenWatches watches) {
        return context -> context.setAttribute(OpenWatches.ATTRIBUTE, watches);
    }

    /**
     * The health endpoints; /readyz's {@code informer-sync} asks every {@link InformerSync} bean, its
     * {@code poststarthook/crd-informer-synced} the controllers' CRD informer.
     */
    @Bean
    PathHandler healthHandler(Storage storage, ServerShutdown shutdown, ObjectProvider<InformerSync> informers,
                              ObjectProvider<ControllerManager> controllers) {
        return new HealthHandler(storage::isHealthy, storage::hasSpace,
                () -> informers.orderedStream().allMatch(InformerSync::synced),
                () -> controllers.stream().allMatch(ControllerManager::crdsSynced), shutdown::isShuttingDown);
    }

    /** The path handlers, then {@code /}, which lists their paths. */
    @Bean
    ApiServlet apiServlet(ResourceDispatcher dispatcher, List<PathHandler> pathHandlers) {
        List<PathHandler> handlers = new ArrayList<>(pathHandlers);
        handlers.add(new RootPathsHandler(pathHandlers));
        return new ApiServlet(dispatcher, handlers);
    }
}
