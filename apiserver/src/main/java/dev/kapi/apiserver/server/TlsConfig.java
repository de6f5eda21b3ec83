package dev.kapi.apiserver.server;

import dev.kapi.apiserver.server.tls.AnyClientCertificateTrustManager;
import dev.kapi.apiserver.server.tls.ServingPki;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.springframework.boot.jetty.JettyServerCustomizer;
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
 * HTTPS only, on {@code --secure-port}: Jetty serves the {@link ServingPki} certificate and asks for client
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

    /**
     * Client certificates are checked by the authentication stage, not during the handshake: the TLS
     * context trusts any client certificate ({@link AnyClientCertificateTrustManager}). A client may use
     * any host name that reaches us (no SNI host check), as with kube-apiserver.
     */
    @Bean
    JettyServerCustomizer clientCertificatesReachAuthentication(ServingPki pki) {
        return server -> {
            javax.net.ssl.SSLContext context = sslContext(pki);
            for (org.eclipse.jetty.server.Connector connector : server.getConnectors()) {
                SslConnectionFactory tls = connector.getConnectionFactory(SslConnectionFactory.class);
                if (tls != null) {
                    tls.getSslContextFactory().setSslContext(context);
                    tls.getSslContextFactory().setWantClientAuth(true);
                }
                HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
                SecureRequestCustomizer secure = http == null ? null
                        : http.getHttpConfiguration().getCustomizer(SecureRequestCustomizer.class);
                if (secure != null) {
                    secure.setSniHostCheck(false);
                }
            }
        };
    }

    private static javax.net.ssl.SSLContext sslContext(ServingPki pki) {
        try {
            javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            keys.init(pki.keyStore(), ServingPki.KEY_STORE_PASSWORD.toCharArray());
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), new javax.net.ssl.TrustManager[] {new AnyClientCertificateTrustManager()}, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the serving TLS context", e);
        }
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
