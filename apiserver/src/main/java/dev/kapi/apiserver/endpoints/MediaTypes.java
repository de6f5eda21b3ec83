package dev.kapi.apiserver.endpoints;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses {@code Accept} and {@code Content-Type} headers the way kube-apiserver negotiates: a media type
 * with parameters ({@code application/json;as=Table;v=v1;g=meta.k8s.io}), in the client's order.
 */
public final class MediaTypes {

    public static final String JSON = "application/json";
    public static final String YAML = "application/yaml";
    public static final String PROTOBUF = "application/vnd.kubernetes.protobuf";

    /** One entry of an Accept header. */
    public record Entry(String type, Map<String, String> params) {

        public String param(String name) {
            return params.get(name);
        }

        public boolean isJsonLike() {
            return type.equals(JSON) || type.equals("application/*") || type.equals("*/*") || type.equals(YAML);
        }
    }

    private MediaTypes() {
    }

    /** The Accept header's entries in order; an absent header means {@code application/json}. */
    public static List<Entry> parseAccept(String header) {
        List<Entry> out = new ArrayList<>();
        if (header == null || header.isBlank()) {
            out.add(new Entry(JSON, Map.of()));
            return out;
        }
        for (String part : header.split(",")) {
            Entry e = parse(part);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    public static Entry parse(String mediaType) {
        if (mediaType == null) {
            return null;
        }
        String[] bits = mediaType.split(";");
        String type = bits[0].trim().toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
            return null;
        }
        Map<String, String> params = new TreeMap<>();
        for (int i = 1; i < bits.length; i++) {
            String p = bits[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0) {
                params.put(p.substring(0, eq).trim().toLowerCase(Locale.ROOT), p.substring(eq + 1).trim());
            }
        }
        return new Entry(type, params);
    }
}
