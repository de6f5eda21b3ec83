package dev.kapi.admissionwebhooks.server;

import dev.kapi.admissionwebhooks.tls.ServingCertificates;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import java.io.UncheckedIOException;

/**
 * HTTPS only, on {@code --secure-port}, with the {@link ServingCertificates}. API servers do not present
 * client certificates to webhooks unless configured to, so none are asked for.
 */
@Configuration(proxyBeanMethods = false)
public class TlsConfig {

    static final String BUNDLE = "admission-webhooks-serving";

    @Bean
    ServingCertificates servingCertificates(ServerSettings settings) {
        try {
            return ServingCertificates.load(new ServingCertificates.Settings(settings.dataDir(),
                    settings.tlsCertFile(), settings.tlsPrivateKeyFile(), settings.caBundleFile(),
                    settings.generatedCertificateSans()));
        } catch (IllegalArgumentException e) {
            throw new StartupFailure(e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new StartupFailure("cannot read or write the TLS files: " + e.getCause(), e);
        }
    }

    @Bean
    SslBundleRegistrar servingBundle(ServingCertificates certificates) {
        return registry -> registry.registerBundle(BUNDLE, SslBundle.of(
                SslStoreBundle.of(certificates.keyStore(), ServingCertificates.KEY_STORE_PASSWORD, null),
                SslBundleKey.of(ServingCertificates.KEY_STORE_PASSWORD, ServingCertificates.KEY_ALIAS)));
    }

    @Bean
    WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> httpsOnly() {
        return new HttpsOnly();
    }

    /**
     * The API server calls us by whatever name {@code --external-url} has; the TLS handshake already checked it
     * against the certificate, so Jetty's second check of the SNI name against the certificate is off.
     */
    @Bean
    JettyServerCustomizer noSniHostCheck() {
        return server -> {
            for (Connector connector : server.getConnectors()) {
                HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
                SecureRequestCustomizer secure = http == null ? null
                        : http.getHttpConfiguration().getCustomizer(SecureRequestCustomizer.class);
                if (secure != null) {
                    secure.setSniHostCheck(false);
                }
            }
        };
    }

    /** Runs after Boot's own customizers so that no {@code server.ssl.*} property can turn TLS off. */
    static final class HttpsOnly implements WebServerFactoryCustomizer<ConfigurableServletWebServerFactory>, Ordered {
        @Override
        public void customize(ConfigurableServletWebServerFactory factory) {
            factory.setSsl(Ssl.forBundle(BUNDLE));
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
