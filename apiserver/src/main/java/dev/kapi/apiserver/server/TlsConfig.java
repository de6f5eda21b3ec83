package dev.kapi.apiserver.server;

import dev.kapi.apiserver.server.tls.AnyClientCertificateTrustManager;
import dev.kapi.apiserver.server.tls.ServingPki;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * HTTPS only, on {@code --secure-port}: Tomcat serves the {@link ServingPki} certificate and asks for client
 * certificates without requiring them (client auth WANT); the authentication stage verifies them against the
 * client CAs. There is no plain HTTP listener.
 */
@Configuration(proxyBeanMethods = false)
public class TlsConfig {

    static final String BUNDLE = "kapi-serving";

    @Bean
    SslBundleRegistrar servingBundle(ServingPki pki) {
        return registry -> registry.registerBundle(BUNDLE, SslBundle.of(
                SslStoreBundle.of(pki.keyStore(), ServingPki.KEY_STORE_PASSWORD, pki.trustStore()),
                SslBundleKey.of(ServingPki.KEY_STORE_PASSWORD, "kapi")));
    }

    @Bean
    WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> httpsOnly() {
        return new HttpsOnly();
    }

    /** Client certificates are checked by the authentication stage, not during the handshake. */
    @Bean
    TomcatConnectorCustomizer clientCertificatesReachAuthentication() {
        return connector -> {
            for (SSLHostConfig host : connector.findSslHostConfigs()) {
                host.setTrustManagerClassName(AnyClientCertificateTrustManager.class.getName());
            }
        };
    }

    /** Runs after Boot's own customizers so that {@code server.ssl.*} properties cannot turn TLS off. */
    static final class HttpsOnly implements WebServerFactoryCustomizer<ConfigurableServletWebServerFactory>, Ordered {
        @Override
        public void customize(ConfigurableServletWebServerFactory factory) {
            Ssl ssl = Ssl.forBundle(BUNDLE);
            ssl.setClientAuth(Ssl.ClientAuth.WANT);
            factory.setSsl(ssl);
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
