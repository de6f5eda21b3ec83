package dev.kapi.apiserver.server;

import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.groups.flowcontrol.ApfConfigurationEnsurer;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * The API Priority and Fairness configuration objects kube-apiserver keeps at startup (its
 * {@code priority-and-fairness-config-producer} post-start hook), ensured once the server has started and
 * retried in the background while storage fails. Nothing enforces them here.
 */
@Configuration(proxyBeanMethods = false)
class FlowControlConfig {

    private static final Logger LOG = LoggerFactory.getLogger(FlowControlConfig.class);

    @Bean
    FlowControlBootstrap flowControlBootstrap(StoreRegistry stores, WritePipeline writes) {
        return new FlowControlBootstrap(new ApfConfigurationEnsurer(stores, writes));
    }

    static final class FlowControlBootstrap {
        private final ApfConfigurationEnsurer ensurer;

        FlowControlBootstrap(ApfConfigurationEnsurer ensurer) {
            this.ensurer = ensurer;
        }

        @EventListener
        public void onStarted(ApplicationStartedEvent event) {
            if (ensureOnce()) {
                return;
            }
            Thread.ofVirtual().name("apf-bootstrap").start(() -> {
                while (!ensureOnce()) {
                    try {
                        Thread.sleep(2000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        private boolean ensureOnce() {
            try {
                ensurer.ensure();
                return true;
            } catch (RuntimeException e) {
                LOG.warn("API Priority and Fairness configuration not ensured yet: {}", e.toString());
                return false;
            }
        }
    }
}
