package dev.kapi.apiserver.cel;

import dev.kapi.apiserver.api.GoQuote;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's CEL URL library: {@code url(s)} (an absolute URI or an absolute path, as Go's
 * {@code url.ParseRequestURI}), {@code isURL(s)}, and on a URL {@code getScheme()}, {@code getHost()},
 * {@code getHostname()}, {@code getPort()}, {@code getEscapedPath()} and {@code getQuery()}.
 */
public final class KubeUrls {

    static final OpaqueType TYPE = OpaqueType.create("kubernetes.URL");

    /** A parsed URL. */
    record Url(URI uri) {
    }

    private KubeUrls() {
    }

    public static List<CelFunctionDecl> declarations() {
        CelType query = MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING));
        return List.of(
                CelFunctionDecl.newFunctionDeclaration("url",
                        CelOverloadDecl.newGlobalOverload("string_to_url", TYPE, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration("isURL",
                        CelOverloadDecl.newGlobalOverload("is_url_string", SimpleType.BOOL, SimpleType.STRING)),
                getter("getScheme", "url_get_scheme", SimpleType.STRING),
                getter("getHost", "url_get_host", SimpleType.STRING),
                getter("getHostname", "url_get_hostname", SimpleType.STRING),
                getter("getPort", "url_get_port", SimpleType.STRING),
                getter("getEscapedPath", "url_get_escaped_path", SimpleType.STRING),
                getter("getQuery", "url_get_query", query));
    }

    public static List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("string_to_url", String.class, KubeUrls::parse),
                CelFunctionBinding.from("is_url_string", String.class, s -> {
                    try {
                        parse(s);
                        return true;
                    } catch (CelEvaluationException e) {
                        return false;
                    }
                }),
                CelFunctionBinding.from("url_get_scheme", Url.class, u -> nz(u.uri().getScheme())),
                CelFunctionBinding.from("url_get_host", Url.class, u -> nz(u.uri().getRawAuthority())
                        .replaceFirst("^[^@]*@", "")),
                CelFunctionBinding.from("url_get_hostname", Url.class,
                        u -> nz(u.uri().getHost()).replaceAll("^\\[|]$", "")),
                CelFunctionBinding.from("url_get_port", Url.class,
                        u -> u.uri().getPort() < 0 ? "" : String.valueOf(u.uri().getPort())),
                CelFunctionBinding.from("url_get_escaped_path", Url.class, u -> nz(u.uri().getRawPath())),
                CelFunctionBinding.from("url_get_query", Url.class, KubeUrls::query));
    }

    static Url parse(String s) throws CelEvaluationException {
        try {
            URI uri = new URI(s);
            if (!uri.isAbsolute() && !s.startsWith("/")) {
                throw new URISyntaxException(s, "invalid URI for request");
            }
            return new Url(uri);
        } catch (URISyntaxException e) {
            throw new CelEvaluationException("URL parse error during conversion from string: parse "
                    + GoQuote.quote(s) + ": invalid URI for request");
        }
    }

    private static Map<String, List<String>> query(Url u) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String raw = u.uri().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static CelFunctionDecl getter(String name, String id, CelType result) {
        return CelFunctionDecl.newFunctionDeclaration(name, CelOverloadDecl.newMemberOverload(id, result, TYPE));
    }
}
