package dev.kapi.apiserver.server;

import dev.kapi.apiserver.controllers.EventRecorder;
import dev.kapi.apiserver.controlplane.ReplicaReconciler;
import dev.kapi.apiserver.controlplane.ServiceAllocationRepairLoop;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.core.ServiceAllocationRepair;
import dev.kapi.apiserver.registry.core.ServiceAllocations;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.storage.Storage;
import io.fabric8.kubernetes.api.model.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Wires the {@link ReplicaReconciler} ({@code default/kubernetes} Service and endpoints, master and identity
 * leases) and the {@link ServiceAllocationRepairLoop} (cluster IPs and node ports): they start once the server
 * is ready and stop when the context begins to close, before the shutdown delay and the web server's stop (kube
 * removes its endpoints in a pre-shutdown hook), so that in-cluster clients stop picking this replica while it
 * still serves.
 */
@Configuration(proxyBeanMethods = false)
public class ReplicaConfig {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaConfig.class);
    /** How long closing waits for this replica to leave the endpoints. */
    static final Duration REMOVE_BOUND = Duration.ofSeconds(3);

    @Bean(destroyMethod = "close")
    ReplicaReconciler replicaReconciler(Storage storage, ServerOptions options, ReplicaOptions replicas,
                                        StoreRegistry stores, WritePipeline writes) {
        boolean lease = replicas.reconcilerType() == ReplicaOptions.ReconcilerType.LEASE;
        return new ReplicaReconciler(storage, options.etcdPrefix(), stores, writes, replicas.advertiseAddress(),
                ServiceAllocations.firstAddress(options.serviceClusterIpRange()), lease, hostname());
    }

    /** The repair loop, its Events about Services written as kube's two repair controllers write theirs. */
    @Bean(destroyMethod = "close")
    ServiceAllocationRepairLoop serviceAllocationRepair(Storage storage, ServerOptions options, StoreRegistry stores,
                                                        WritePipeline writes) {
        Store<Event> events = stores.find("", "v1", "events", Event.class).orElse(null);
        Map<String, EventRecorder> recorders = new HashMap<>();
        for (String controller : List.of(ServiceAllocationRepair.IP_CONTROLLER,
                ServiceAllocationRepair.PORT_CONTROLLER)) {
            recorders.put(controller, EventRecorder.builder(writes, events, SystemUsers.API_SERVER, controller)
                    .about("v1", "Service").build());
        }
        return new ServiceAllocationRepairLoop(new ServiceAllocations(storage, options.etcdPrefix(),
                options.serviceClusterIpRange(), options.serviceNodePortRange()), stores,
                ServiceAllocationRepairLoop.INTERVAL, e -> recorders.get(e.controller())
                .record(e.service(), "Warning", e.reason(), e.action(), e.message()));
    }

    @Bean
    ReplicaLifecycle replicaLifecycle(ReplicaReconciler reconciler, ReplicaOptions replicas,
                                      ServiceAllocationRepairLoop repair) {
        return new ReplicaLifecycle(reconciler, replicas, repair);
    }

    /**
     * Starts the reconciler when the server is ready, with the port it serves on ({@code --secure-port=0} picks a
     * free one, known only then); stops it as closing begins.
     */
    static final class ReplicaLifecycle {
        private final ReplicaReconciler reconciler;
        private final ReplicaOptions replicas;
        private final ServiceAllocationRepairLoop repair;

        ReplicaLifecycle(ReplicaReconciler reconciler, ReplicaOptions replicas, ServiceAllocationRepairLoop repair) {
            this.reconciler = reconciler;
            this.replicas = replicas;
            this.repair = repair;
        }

        @EventListener
        public void onReady(ApplicationReadyEvent event) {
            int port = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
            LOG.info("Advertising {}:{} to the kubernetes endpoints (--endpoint-reconciler-type={})",
                    replicas.advertiseAddress(), port,
                    replicas.reconcilerType() == ReplicaOptions.ReconcilerType.LEASE ? "lease" : "none");
            reconciler.start(port);
            repair.start();
        }

        @EventListener
        public void onClosing(ContextClosedEvent event) {
            repair.close();
            reconciler.stop(REMOVE_BOUND);
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
