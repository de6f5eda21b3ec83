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

import java.util.concurrent.CountDownLatch;

/**
 * The API Priority and Fairness configuration objects kube-apiserver keeps at startup (its
 * {@code priority-and-fairness-config-producer} post-start hook). The first attempt runs beside the web server's
 * start (its twenty-odd writes were a fifth of a test server's start) and has ended when the server has started;
 * while storage fails it is retried in the background. Nothing enforces them here.
 */
@Configuration(proxyBeanMethods = false)
class FlowControlConfig {

    private static final Logger LOG = LoggerFactory.getLogger(FlowControlConfig.class);
    /** After the admission informers' and the controllers' startup (phase 1), before the web server's. */
    static final int PHASE = 2;

    @Bean
    FlowControlBootstrap flowControlBootstrap(StoreRegistry stores, WritePipeline writes) {
        return new FlowControlBootstrap(new ApfConfigurationEnsurer(stores, writes));
    }

    static final class FlowControlBootstrap extends StartupStep {
        private final ApfConfigurationEnsurer ensurer;
        private final CountDownLatch firstAttempt = new CountDownLatch(1);
        private volatile Thread worker;

        FlowControlBootstrap(ApfConfigurationEnsurer ensurer) {
            super(PHASE);
            this.ensurer = ensurer;
        }

        @Override
        protected void begin() {
            worker = Thread.ofVirtual().name("apf-bootstrap").start(() -> {
                boolean done = ensureOnce();
                firstAttempt.countDown();
                while (!done) {
                    try {
                        Thread.sleep(2000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    done = ensureOnce();
                }
            });
        }

        /** The server has started once the first attempt has ended, as when it ran here. */
        @EventListener
        public void onStarted(ApplicationStartedEvent event) throws InterruptedException {
            if (worker != null) {
                firstAttempt.await();
            }
        }

        @Override
        public void stop() {
            Thread w = worker;
            if (w != null) {
                w.interrupt();
            }
            super.stop();
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
