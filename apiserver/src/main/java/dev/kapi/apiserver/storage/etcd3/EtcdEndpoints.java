package dev.kapi.apiserver.storage.etcd3;

import java.util.List;
import java.util.Locale;

/** What etcd client URLs say about transport security: {@code https://} is TLS, anything else plain. */
public final class EtcdEndpoints {

    private EtcdEndpoints() {
    }

    /**
     * Whether {@code endpoints} are all {@code https://} (true) or all not (false). One client speaks to
     * every endpoint the same way, so a mix is refused.
     *
     * @throws IllegalArgumentException when some endpoints are {@code https://} and others are not
     */
    public static boolean secure(List<String> endpoints) {
        long https = endpoints.stream().filter(EtcdEndpoints::isHttps).count();
        if (https != 0 && https != endpoints.size()) {
            throw new IllegalArgumentException("the etcd endpoints " + String.join(",", endpoints)
                    + " mix https:// and http:// URLs; use one scheme for all");
        }
        return https != 0;
    }

    private static boolean isHttps(String endpoint) {
        return endpoint.trim().toLowerCase(Locale.ROOT).startsWith("https://");
    }
}
