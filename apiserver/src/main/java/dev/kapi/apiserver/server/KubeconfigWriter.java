package dev.kapi.apiserver.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --write-kubeconfig=PATH} (as k3s names it): once the server listens, writes a kubeconfig that
 * {@code kubectl --kubeconfig PATH} uses as it is. Until TLS lands the server speaks plain HTTP, and the
 * kubeconfig's server URL says so.
 */
@Component
public class KubeconfigWriter {

    private static final Logger LOG = LoggerFactory.getLogger(KubeconfigWriter.class);

    private final ServerOptions options;

    public KubeconfigWriter(ServerOptions options) {
        this.options = options;
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
        Path path = Path.of(options.writeKubeconfig()).toAbsolutePath();
        Files.createDirectories(path.getParent());
        Files.writeString(path, kubeconfig("http://" + host + ":" + port));
        LOG.info("Wrote kubeconfig {}", path);
        StartupBanner.print(System.out, "http://" + host + ":" + port, path, options);
    }

    static String kubeconfig(String server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: kapi
                  cluster:
                    server: %s
                contexts:
                - name: kapi
                  context:
                    cluster: kapi
                    user: kapi-admin
                    namespace: default
                current-context: kapi
                users:
                - name: kapi-admin
                  user: {}
                """.formatted(server);
    }
}
