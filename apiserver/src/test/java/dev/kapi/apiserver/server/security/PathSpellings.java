package dev.kapi.apiserver.server.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Ways to spell one API path that a server, a proxy or a firewall might each read differently: path
 * parameters, dot segments, doubled and encoded separators, percent-encoded and upper-cased segments, control
 * and line-separator characters, overlong UTF-8, double encoding, malformed escapes and the legacy
 * {@code /watch/} prefix. Each spelling is a raw request target, sent byte for byte.
 */
final class PathSpellings {

    record Spelling(String name, String rawPath) {
        @Override
        public String toString() {
            return name + " " + rawPath;
        }
    }

    /** Appended to a segment: separators, controls, overlong and double-encoded dots and slashes, bad escapes. */
    private static final List<String> SUFFIXES = List.of("%E2%80%A8", "%E2%80%A9", "%C2%85", "%0A", "%0D",
            "%09", "%00", "%20", "+", "%C0%AE", "%C0%AF", "%E0%80%AE", "%252e", "%252F", "%ZZ", "%", "%2",
            "%3F", "%23", "%EF%BC%8F", "%FF", "%7F", "%2e", "%u002e");

    /** Put in the place of the {@code /} before a segment. */
    private static final List<String> SEPARATORS = List.of("//", "%2F", "%5C", "\\", "/./", "/%2e/", "/x/../",
            "/x/%2e%2e/", "/x/.%2e/", "/;/");

    private PathSpellings() {
    }

    /**
     * Every spelling of {@code path} (which starts with {@code /} and has no escapes), the path itself first.
     * Structural changes apply at every segment; the character suffixes at the last segment (the name, or
     * the resource of a collection).
     */
    static List<Spelling> of(String path) {
        String[] segs = path.substring(1).split("/");
        Map<String, Spelling> out = new LinkedHashMap<>();
        add(out, "as is", path);
        add(out, "trailing slash", path + "/");
        add(out, "leading double slash", "/" + path);
        if (segs[0].equals("api") || segs[0].equals("apis")) {
            int versionAt = segs[0].equals("api") ? 1 : 2;
            add(out, "legacy watch prefix", join(segs, versionAt + 1, "watch/"));
        }
        for (int i = 0; i < segs.length; i++) {
            String seg = segs[i];
            add(out, "param ;x on " + i, replace(segs, i, seg + ";x"));
            add(out, "param %3B on " + i, replace(segs, i, seg + "%3Bx"));
            add(out, "upper case " + i, replace(segs, i, seg.toUpperCase(Locale.ROOT)));
            add(out, "first char encoded " + i, replace(segs, i, encodeFirst(seg, "%%%02X")));
            add(out, "all encoded " + i, replace(segs, i, encodeAll(seg)));
            for (String sep : SEPARATORS) {
                add(out, "separator " + sep + " before " + i, separator(segs, i, sep));
            }
            if (i == segs.length - 1) {
                for (String suffix : SUFFIXES) {
                    add(out, "suffix " + suffix + " on " + i, replace(segs, i, seg + suffix));
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    private static void add(Map<String, Spelling> out, String name, String raw) {
        out.putIfAbsent(raw, new Spelling(name, raw));
    }

    private static String replace(String[] segs, int i, String with) {
        String[] copy = segs.clone();
        copy[i] = with;
        return "/" + String.join("/", copy);
    }

    private static String separator(String[] segs, int i, String sep) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < segs.length; k++) {
            b.append(k == i ? sep : "/").append(segs[k]);
        }
        String s = b.toString();
        return s.startsWith("/") ? s : "/" + s;
    }

    private static String join(String[] segs, int at, String insert) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < segs.length; k++) {
            b.append('/');
            if (k == at) {
                b.append(insert);
            }
            b.append(segs[k]);
        }
        return b.toString();
    }

    private static String encodeFirst(String seg, String format) {
        return String.format(format, (int) seg.charAt(0)) + seg.substring(1);
    }

    private static String encodeAll(String seg) {
        StringBuilder b = new StringBuilder();
        for (char c : seg.toCharArray()) {
            b.append(String.format("%%%02X", (int) c));
        }
        return b.toString();
    }
}
