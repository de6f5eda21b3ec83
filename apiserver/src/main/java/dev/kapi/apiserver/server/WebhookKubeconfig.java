package dev.kapi.apiserver.server;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;
import dev.kapi.apiserver.webhook.WebhookTarget;
import dev.kapi.apiserver.webhook.WebhookTrust;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A webhook's kubeconfig ({@code --audit-webhook-config-file}, {@code --authentication-token-webhook-config-file}),
 * read as client-go reads one for kube's webhooks: the current context's cluster gives the URL ({@code server}; {@code host:port} means https), the
 * server's CAs ({@code certificate-authority} or {@code -data}; the JVM's trust store without either),
 * {@code tls-server-name} and {@code insecure-skip-tls-verify}; its user gives the credentials: a client
 * certificate ({@code client-certificate}/{@code client-key}, or their {@code -data}), a bearer {@code token} or
 * {@code tokenFile} (read again for each call, as a rotated token must be), or {@code username}/{@code password}.
 * Relative file names are relative to the kubeconfig's directory. What Kapi cannot do ({@code exec},
 * {@code auth-provider}, impersonation, {@code proxy-url}, a user and password in the URL) is refused rather than
 * ignored, so nothing is ever sent otherwise than the file asks; so is a field given both as data and as a file.
 * Errors never quote the file's content (a line of it may hold a token).
 */
final class WebhookKubeconfig {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private WebhookKubeconfig() {
    }

    /** The webhook's target; IllegalArgumentException (client-go's "invalid configuration: ...") or IOException. */
    static WebhookTarget read(Path file) throws IOException {
        JsonNode config;
        try {
            config = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            // the parser's message quotes the line, which may hold a token: say where, not what
            throw new IllegalArgumentException("error converting YAML to JSON: the kubeconfig is not valid YAML "
                    + "(line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
        }
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException("invalid configuration: no configuration has been provided");
        }
        Path dir = file.toAbsolutePath().getParent();
        String contextName = config.path("current-context").asString("");
        JsonNode context = named(config, "contexts", contextName).path("context");
        if (!contextName.isEmpty() && context.isMissingNode()) {
            throw invalid("context was not found for specified context: " + contextName);
        }
        JsonNode cluster = named(config, "clusters", context.path("cluster").asString("")).path("cluster");
        JsonNode user = named(config, "users", context.path("user").asString("")).path("user");
        String server = cluster.path("server").asString("");
        if (server.isEmpty()) {
            throw invalid("cluster has no server defined" + (contextName.isEmpty() ? " (no current-context is set)" : ""));
        }
        for (String unsupported : List.of("proxy-url")) {
            if (cluster.has(unsupported)) {
                throw invalid(unsupported + " is not supported by Kapi");
            }
        }
        for (String unsupported : List.of("exec", "auth-provider")) {
            if (user.has(unsupported)) {
                throw invalid("the user's " + unsupported + " credentials are not supported by Kapi");
            }
        }
        for (String unsupported : List.of("as", "as-uid", "as-groups", "as-user-extra")) {
            if (user.has(unsupported)) {
                throw invalid("impersonation (" + unsupported + ") is not supported by Kapi");
            }
        }
        for (String both : List.of("certificate-authority")) {
            if (!cluster.path(both).asString("").isEmpty() && !cluster.path(both + "-data").asString("").isEmpty()) {
                throw invalid(both + "-data and " + both + " are both specified; give one");
            }
        }
        for (String both : List.of("client-certificate", "client-key")) {
            if (!user.path(both).asString("").isEmpty() && !user.path(both + "-data").asString("").isEmpty()) {
                throw invalid(both + "-data and " + both + " are both specified; give one");
            }
        }
        URI uri = uri(server);
        HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(CONNECT_TIMEOUT)
                .executor(Executors.newVirtualThreadPerTaskExecutor());
        if (uri.getScheme().equals("https")) {
            http.sslContext(tls(cluster, user, uri, dir));
            String serverName = cluster.path("tls-server-name").asString("");
            if (!serverName.isEmpty()) {
                // sent as SNI when the URL's host is an address (for a name, the JDK's client sends the name)
                SSLParameters sni = new SSLParameters();
                sni.setServerNames(List.of(new SNIHostName(serverName)));
                http.sslParameters(sni);
            }
        }
        return new WebhookTarget(uri, http.build(), headers(user, dir));
    }

    private static JsonNode named(JsonNode config, String list, String name) {
        for (JsonNode entry : config.path(list)) {
            if (entry.path("name").asString("").equals(name)) {
                return entry;
            }
        }
        return MissingNode.getInstance();
    }

    private static URI uri(String server) {
        String s = server.contains("://") ? server : "https://" + server;
        URI uri;
        try {
            uri = new URI(s);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri != null && uri.getRawUserInfo() != null || server.contains("@")) { // never repeated: it may hold a password
            throw invalid("a server URL with a user and password is not supported by Kapi (give the user's "
                    + "username and password)");
        }
        if (uri == null || uri.getHost() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
            throw invalid("host must be a URL or a host:port pair: " + server);
        }
        return uri;
    }

    private static SSLContext tls(JsonNode cluster, JsonNode user, URI uri, Path dir) throws IOException {
        String caFile = cluster.path("certificate-authority").asString("");
        String caData = cluster.path("certificate-authority-data").asString("");
        boolean insecure = cluster.path("insecure-skip-tls-verify").asBoolean(false);
        if (insecure && !(caFile.isEmpty() && caData.isEmpty())) {
            throw invalid("specifying a root certificates file with the insecure flag is not allowed");
        }
        KeyManager[] keys = clientCertificate(user, dir);
        if (insecure) {
            return WebhookTrust.insecure(keys);
        }
        String bundle = !caData.isEmpty() ? caData
                : caFile.isEmpty() ? null : Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve(caFile)));
        String serverName = cluster.path("tls-server-name").asString("");
        try {
            return WebhookTrust.context(bundle, serverName.isEmpty() ? uri.getHost() : serverName, keys);
        } catch (IllegalArgumentException e) {
            throw invalid("unable to load certificate-authority: " + e.getMessage());
        }
    }

    private static KeyManager[] clientCertificate(JsonNode user, Path dir) throws IOException {
        boolean hasCert = has(user, "client-certificate");
        boolean hasKey = has(user, "client-key");
        if (!hasCert && !hasKey) {
            return null;
        }
        if (!hasCert || !hasKey) {
            throw invalid((hasCert ? "client-key-data or client-key" : "client-cert-data or client-cert")
                    + " must be specified to use the clientCert authentication method");
        }
        String cert = pem(user, "client-certificate", dir);
        String key = pem(user, "client-key", dir);
        try {
            return Certificates.keyManagers(Pem.readPrivateKey(key), Pem.readCertificates(cert));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw invalid("unable to load the client certificate and key: " + e.getMessage());
        }
    }

    private static boolean has(JsonNode user, String field) {
        return !user.path(field + "-data").asString("").isEmpty() || !user.path(field).asString("").isEmpty();
    }

    /** The PEM text of {@code field}-data (base64) or of the file {@code field} names; null when neither is set. */
    private static String pem(JsonNode user, String field, Path dir) throws IOException {
        String data = user.path(field + "-data").asString("");
        if (!data.isEmpty()) {
            try {
                return new String(Base64.getDecoder().decode(data.trim()), StandardCharsets.US_ASCII);
            } catch (IllegalArgumentException e) {
                throw invalid(field + "-data is not base64");
            }
        }
        String file = user.path(field).asString("");
        return file.isEmpty() ? null : Files.readString(dir.resolve(file), StandardCharsets.US_ASCII);
    }

    private static Supplier<Map<String, String>> headers(JsonNode user, Path dir) throws IOException {
        String token = user.path("token").asString("");
        String tokenFile = user.path("tokenFile").asString("");
        String name = user.path("username").asString("");
        String password = user.path("password").asString("");
        List<String> methods = new ArrayList<>();
        if (!token.isEmpty() || !tokenFile.isEmpty()) {
            methods.add("token");
        }
        if (!name.isEmpty() || !password.isEmpty()) {
            methods.add("basicAuth");
        }
        if (methods.size() > 1) {
            throw invalid("more than one authentication method found; found " + methods + ", only one is allowed");
        }
        if (!tokenFile.isEmpty()) { // client-go: the file wins over token, and is read again
            return new TokenFile(dir.resolve(tokenFile));
        }
        if (!token.isEmpty()) {
            Map<String, String> bearer = Map.of("Authorization", "Bearer " + token);
            return () -> bearer;
        }
        if (!name.isEmpty()) {
            Map<String, String> basic = Map.of("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8)));
            return () -> basic;
        }
        return Map::of;
    }

    private static IllegalArgumentException invalid(String why) {
        return new IllegalArgumentException("invalid configuration: " + why);
    }

    /** A bearer token read from its file for each call; the last good one while the file cannot be read. */
    private static final class TokenFile implements Supplier<Map<String, String>> {
        private final Path file;
        private volatile Map<String, String> last;

        TokenFile(Path file) throws IOException {
            this.file = file;
            this.last = header(Files.readString(file, StandardCharsets.UTF_8));
        }

        @Override
        public Map<String, String> get() {
            try {
                last = header(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException | IllegalArgumentException e) {
                // keep the token read last (a file being replaced)
            }
            return last;
        }

        private static Map<String, String> header(String content) {
            String token = content.strip();
            if (token.isEmpty()) {
                throw invalid("the tokenFile is empty");
            }
            return Map.of("Authorization", "Bearer " + token);
        }
    }
}
