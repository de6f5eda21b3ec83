package dev.kapi.apiserver.server;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;
import dev.kapi.apiserver.server.tls.ServingPki;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code --write-kubeconfig=PATH} (as k3s names it): once the server listens, writes an admin kubeconfig
 * (mode 0600) that {@code kubectl --kubeconfig PATH} uses as it is: {@code https://127.0.0.1:<port>} (or the
 * bind address), the CA to trust, and a fresh client certificate for {@code system:admin} in
 * {@code system:masters} signed by Kapi's CA.
 */
@Component
public class KubeconfigWriter {

    private static final Logger LOG = LoggerFactory.getLogger(KubeconfigWriter.class);
    static final Duration ADMIN_CERT_VALIDITY = Duration.ofDays(365);

    private final ServerOptions options;
    private final ServingPki pki;

    public KubeconfigWriter(ServerOptions options, ServingPki pki) {
        this.options = options;
        this.pki = pki;
    }

    @EventListener
    public void onReady(ApplicationReadyEvent event) throws IOException {
        if (options.writeKubeconfig().isEmpty()) {
            return;
        }
        int port = event.getApplicationContext() instanceof WebServerApplicationContext web
                ? web.getWebServer().getPort() : options.securePort();
        String host = options.bindAddress().equals("0.0.0.0") || options.bindAddress().equals("::")
                ? "127.0.0.1" : options.bindAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        Path path = Path.of(options.writeKubeconfig()).toAbsolutePath();
        Certificates.Issued admin = Certificates.client(pki.ca(), "system:admin", List.of("system:masters"),
                ADMIN_CERT_VALIDITY);
        try {
            Files.createDirectories(path.getParent());
            ServingPki.writePrivate(path, Kubeconfigs.yaml("https://" + host + ":" + port, "kapi-admin", "default",
                    Pem.certificates(pki.trustForClients()), Pem.certificates(List.of(admin.certificate())),
                    Pem.privateKeyForKubeconfig(admin.key(), admin.certificate().getPublicKey())));
        } catch (IOException e) {
            throw StartupFailure.of("--write-kubeconfig " + path, e);
        }
        LOG.info("Wrote kubeconfig {}", path);
        if (LoggingFormat.isJson(event.getApplicationContext().getEnvironment())) {
            // every line the server prints is a JSON object: the banner is one log event
            LOG.info("{}", StartupBanner.summary("https://" + host + ":" + port, path, options));
        } else {
            StartupBanner.print(System.out, "https://" + host + ":" + port, path, options);
        }
    }
}
