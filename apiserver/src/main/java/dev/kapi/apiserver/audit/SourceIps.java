package dev.kapi.apiserver.audit;

import jakarta.servlet.http.HttpServletRequest;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * kube's {@code SourceIPs}: the valid addresses of {@code X-Forwarded-For}, then {@code X-Real-Ip} unless already
 * listed, then the connection's remote address unless it is the last one listed. All but the last can be set by
 * the client. Addresses are printed as Go prints them (IPv6 compressed, {@code ::1}).
 */
final class SourceIps {

    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private SourceIps() {
    }

    static List<String> of(HttpServletRequest req) {
        List<String> ips = new ArrayList<>();
        String forwarded = req.getHeader("X-Forwarded-For");
        if (forwarded != null && !forwarded.isEmpty()) {
            for (String part : forwarded.split(",")) {
                String ip = parse(part.trim());
                if (ip != null) {
                    ips.add(ip);
                }
            }
        }
        String real = req.getHeader("X-Real-Ip");
        if (real != null && !real.isEmpty()) {
            String ip = parse(real);
            if (ip != null && !ips.contains(ip)) {
                ips.add(ip);
            }
        }
        String remote = parse(req.getRemoteAddr());
        if (remote != null && (ips.isEmpty() || !ips.getLast().equals(remote))) {
            ips.add(remote);
        }
        return ips;
    }

    /** The address in Go's form, or null when {@code s} is not an IP literal (no name is ever looked up). */
    static String parse(String s) {
        if (s == null) {
            return null;
        }
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        if (IPV4.matcher(t).matches()) {
            return t;
        }
        if (!IPV6.matcher(t).matches()) {
            return null;
        }
        try {
            InetAddress a = InetAddress.getByName(t); // a literal with ':' is parsed, never looked up
            if (a instanceof Inet4Address) {
                return a.getHostAddress();
            }
            return a instanceof Inet6Address ? compress(a.getAddress()) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Go's IPv6 text: the longest run (two or more) of zero groups as {@code ::}, hex without leading zeros. */
    private static String compress(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(g[i]));
        }
        return out.toString();
    }
}
