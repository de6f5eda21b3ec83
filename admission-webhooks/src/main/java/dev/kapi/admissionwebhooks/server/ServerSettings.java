package dev.kapi.admissionwebhooks.server;

import dev.kapi.admissionwebhooks.tls.ServingCertificates;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command-line flags. Each is equally a top-level key of the YAML configuration ({@code secure-port: 8443}).
 * The webhooks' own settings are under {@code webhooks:} and those of the webhook configurations under
 * {@code registration:}.
 */
@Component
public class ServerSettings {

    private final int securePort;
    private final Path dataDir;
    private final String tlsCertFile;
    private final String tlsPrivateKeyFile;
    private final String caBundleFile;
    private final List<String> tlsSans;
    private final URI externalUrl;
    private final String kubeconfig;
    private final boolean printConfig;

    public ServerSettings(@Value("${secure-port:8443}") int securePort,
                          @Value("${data-dir:${user.home}/.kapi-admission-webhooks}") String dataDir,
                          @Value("${tls-cert-file:}") String tlsCertFile,
                          @Value("${tls-private-key-file:}") String tlsPrivateKeyFile,
                          @Value("${ca-bundle-file:}") String caBundleFile,
                          @Value("${tls-san:}") String tlsSans,
                          @Value("${external-url:}") String externalUrl,
                          @Value("${kubeconfig:}") String kubeconfig,
                          @Value("${print-config:false}") boolean printConfig) {
        this.securePort = securePort;
        this.dataDir = Path.of(dataDir);
        this.tlsCertFile = tlsCertFile.trim();
        this.tlsPrivateKeyFile = tlsPrivateKeyFile.trim();
        this.caBundleFile = caBundleFile.trim();
        this.tlsSans = Arrays.stream(tlsSans.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        this.externalUrl = externalUrl(externalUrl.trim(), securePort);
        this.kubeconfig = kubeconfig.trim();
        this.printConfig = printConfig;
    }

    /** {@code --secure-port}: the HTTPS port (default 8443). */
    public int securePort() {
        return securePort;
    }

    /** {@code --data-dir}: where a generated CA and serving certificate are kept ({@code pki/}). */
    public Path dataDir() {
        return dataDir;
    }

    /** {@code --tls-cert-file}: a PEM serving certificate (chain, leaf first); empty to generate one. */
    public String tlsCertFile() {
        return tlsCertFile;
    }

    /** {@code --tls-private-key-file}: the PEM key of {@link #tlsCertFile()}. */
    public String tlsPrivateKeyFile() {
        return tlsPrivateKeyFile;
    }

    /** {@code --ca-bundle-file}: the CAs API servers should trust for a given certificate (the caBundle). */
    public String caBundleFile() {
        return caBundleFile;
    }

    /**
     * The SANs of a generated certificate: localhost, 127.0.0.1, the host name, the host of
     * {@code --external-url} and each {@code --tls-san}.
     */
    public List<String> generatedCertificateSans() {
        List<String> extra = new ArrayList<>(tlsSans);
        extra.addFirst(externalUrl.getHost().replaceAll("^\\[|]$", ""));
        return ServingCertificates.defaultSans(extra);
    }

    /**
     * {@code --external-url}: the base URL API servers call the webhooks at (each webhook's path is appended);
     * default {@code https://<host name>:<secure-port>}.
     */
    public URI externalUrl() {
        return externalUrl;
    }

    /** {@code --kubeconfig}: when set, the webhook configurations are created or replaced in that cluster. */
    public String kubeconfig() {
        return kubeconfig;
    }

    /** {@code --print-config}: print the webhook configurations to register once serving. */
    public boolean printConfig() {
        return printConfig;
    }

    private static URI externalUrl(String text, int port) {
        if (text.isEmpty()) {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
            text = "https://" + host + ":" + port;
        }
        URI uri;
        try {
            uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (URISyntaxException e) {
            throw new StartupFailure("--external-url " + text + " is not a URL: " + e.getMessage());
        }
        // the API server's own rules for a webhook clientConfig.url
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new StartupFailure("--external-url " + text + " must be an https:// URL with a host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new StartupFailure("--external-url " + text + " may not have a query, fragment or user");
        }
        return uri;
    }
}
