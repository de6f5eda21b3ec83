package dev.kapi.apiserver.webhook;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a webhook given as a service reference ({@code namespace}, {@code name}, {@code port}, {@code path}) is
 * called (kube's service resolver). By default {@code https://<name>.<namespace>.svc:<port><path>}, which this
 * host's DNS must resolve (it does inside a cluster). An operator maps services to addresses this server can
 * reach with {@code --webhook-service-urls}: a comma list of {@code <namespace>/<name>:<port>=https://host:port},
 * e.g. {@code webhooks/policy:443=https://10.0.0.5:8443}; the reference's path is appended to the address. Either
 * way the webhook's certificate must be valid for {@code <name>.<namespace>.svc}, as kube-apiserver requires.
 */
public final class ServiceUrls {

    private static final ServiceUrls DEFAULT = new ServiceUrls(Map.of());

    private final Map<String, String> mapped;

    private ServiceUrls(Map<String, String> mapped) {
        this.mapped = mapped;
    }

    /** Only the default addresses. */
    public static ServiceUrls defaults() {
        return DEFAULT;
    }

    /**
     * Parses the flag's value ("" for none).
     *
     * @throws IllegalArgumentException naming the entry that is not {@code namespace/name:port=https://host[:port]}
     */
    public static ServiceUrls parse(String flag) {
        Map<String, String> mapped = new LinkedHashMap<>();
        if (flag == null || flag.isBlank()) {
            return DEFAULT;
        }
        for (String raw : flag.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String service = eq < 0 ? entry : entry.substring(0, eq).trim();
            String url = eq < 0 ? "" : entry.substring(eq + 1).trim();
            if (!service.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9]*[a-z0-9])?:[0-9]{1,5}")) {
                throw new IllegalArgumentException("--webhook-service-urls: \"" + entry
                        + "\" must be namespace/name:port=https://host:port");
            }
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || !"https".equals(uri.getScheme()) || uri.getHost() == null
                    || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("--webhook-service-urls: \"" + entry
                        + "\" must map to https://host:port (no path, query or user)");
            }
            String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            mapped.put(service, base);
        }
        return new ServiceUrls(Map.copyOf(mapped));
    }

    /** The URL of a service reference, before any query; {@code port} null means 443, {@code path} null "". */
    public URI resolve(String namespace, String name, Integer port, String path) {
        int p = port == null ? 443 : port;
        String base = mapped.getOrDefault(namespace + "/" + name + ":" + p,
                "https://" + name + "." + namespace + ".svc:" + p);
        return URI.create(base + (path == null ? "" : path));
    }

    /** The name a service's certificate must be valid for: {@code <name>.<namespace>.svc}. */
    public static String serverName(String namespace, String name) {
        return name + "." + namespace + ".svc";
    }
}
