package dev.kapi.apiserver.authn;

import jakarta.servlet.http.HttpServletRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A user's extra attributes carried in headers ({@code Impersonate-Extra-<key>}, a front proxy's
 * {@code X-Remote-Extra-<key>}), read as kube reads them: every header whose name starts with a prefix (in any
 * case) gives its values to the key after the prefix, lower-cased and %-unescaped (a malformed escape is kept
 * as sent); prefixes are taken in order, and a key's values in the order they came.
 */
public final class ExtraHeaders {

    private ExtraHeaders() {
    }

    /** The extra attributes the headers with one of {@code prefixes} carry (unmodifiable; empty when none). */
    public static Map<String, List<String>> read(HttpServletRequest req, List<String> prefixes) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            names.add(name.toLowerCase(Locale.ROOT));
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        for (String prefix : prefixes) {
            String lowerPrefix = prefix.toLowerCase(Locale.ROOT);
            for (String name : names) {
                if (name.startsWith(lowerPrefix)) {
                    extra.computeIfAbsent(unescape(name.substring(lowerPrefix.length())), k -> new ArrayList<>())
                            .addAll(Collections.list(req.getHeaders(name)));
                }
            }
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        extra.forEach((key, values) -> out.put(key, List.copyOf(values)));
        return Collections.unmodifiableMap(out);
    }

    /** Go's {@code url.PathUnescape}: {@code %XX} decoded, {@code +} kept; the key as sent when malformed. */
    static String unescape(String key) {
        try {
            return URLDecoder.decode(key.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return key;
        }
    }
}
