package dev.kapi.apiserver.cel;

import dev.kapi.apiserver.api.GoQuote;

/**
 * IP addresses and prefixes parsed as Go's {@code net/netip} parses them (which kube's CEL IP and CIDR libraries
 * use), with its error messages: dotted IPv4 without leading zeros, RFC 4291 IPv6 text (one {@code ::}, an
 * optional trailing dotted IPv4, an optional {@code %zone}), prefixes as {@code <addr>/<bits>}.
 */
final class NetAddrs {

    /** An address: 32 bits in {@code lo} for IPv4, 128 in {@code hi:lo} for IPv6; {@code zone} empty if none. */
    record Addr(boolean v6, long hi, long lo, String zone) {

        int bitLength() {
            return v6 ? 128 : 32;
        }

        int u16(int i) {
            return (int) ((i < 4 ? hi >>> (48 - 16 * i) : lo >>> (48 - 16 * (i - 4))) & 0xffff);
        }

        boolean is4In6() {
            return v6 && hi == 0 && (lo >>> 32) == 0xffff;
        }

        /** This address with all bits past the first {@code bits} cleared. */
        Addr masked(int bits) {
            if (!v6) {
                return new Addr(false, 0, bits == 0 ? 0 : lo & (0xffffffffL << (32 - bits)) & 0xffffffffL, "");
            }
            long h = bits >= 64 ? hi : bits == 0 ? 0 : hi & (-1L << (64 - bits));
            long l = bits <= 64 ? 0 : bits == 128 ? lo : lo & (-1L << (128 - bits));
            return new Addr(true, h, l, "");
        }

        /** Go's {@code Addr.String()}: dotted IPv4, or RFC 5952 IPv6 (lower case, longest zero run as ::). */
        @Override
        public String toString() {
            if (!v6) {
                return dotted(lo);
            }
            int zs = -1;
            int ze = -1;
            for (int i = 0; i < 8; i++) {
                int j = i;
                while (j < 8 && u16(j) == 0) {
                    j++;
                }
                if (j - i >= 2 && j - i > ze - zs) {
                    zs = i;
                    ze = j;
                }
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                if (i == zs) {
                    b.append("::");
                    i = ze - 1;
                    continue;
                }
                if (i > 0 && i != ze) {
                    b.append(':');
                }
                b.append(Integer.toHexString(u16(i)));
            }
            return zone.isEmpty() ? b.toString() : b + "%" + zone;
        }

        private static String dotted(long v) {
            return (v >>> 24 & 255) + "." + (v >>> 16 & 255) + "." + (v >>> 8 & 255) + "." + (v & 255);
        }
    }

    /** A parsed address or prefix did not follow the syntax; the message is Go's. */
    static final class ParseException extends Exception {
        ParseException(String message) {
            super(message, null, false, false);
        }
    }

    private NetAddrs() {
    }

    /** Go's {@code netip.ParseAddr}. */
    static Addr parseAddr(String s) throws ParseException {
        for (int i = 0; i < s.length(); i++) {
            switch (s.charAt(i)) {
                case '.':
                    return new Addr(false, 0, ipv4(s, 0, s.length()), "");
                case ':':
                    return ipv6(s);
                case '%':
                    throw error(s, "missing IPv6 address", null);
                default:
                    break;
            }
        }
        throw error(s, "unable to parse IP", null);
    }

    /** Go's {@code netip.ParsePrefix}: the address and the prefix length (the address is not masked). */
    static Addr parsePrefix(String s, int[] bits) throws ParseException {
        int slash = s.lastIndexOf('/');
        if (slash < 0) {
            throw prefixError(s, "no '/'");
        }
        Addr addr;
        try {
            addr = parseAddr(s.substring(0, slash));
        } catch (ParseException e) {
            throw prefixError(s, e.getMessage());
        }
        if (addr.v6() && !addr.zone().isEmpty()) {
            throw prefixError(s, "IPv6 zones cannot be present in a prefix");
        }
        String b = s.substring(slash + 1);
        if (b.isEmpty() || b.length() > 1 && (b.charAt(0) < '1' || b.charAt(0) > '9') || b.length() > 18
                || !b.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw prefixError(s, "bad bits after slash: " + GoQuote.quote(b));
        }
        long n = Long.parseLong(b);
        if (n > addr.bitLength()) {
            throw prefixError(s, "prefix length out of range");
        }
        bits[0] = (int) n;
        return addr;
    }

    private static long ipv4(String in, int off, int end) throws ParseException {
        long out = 0;
        int val = 0;
        int pos = 0;
        int digits = 0;
        for (int i = off; i < end; i++) {
            char c = in.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits == 1 && val == 0) {
                    throw error(in, "IPv4 field has octet with leading zero", null);
                }
                val = val * 10 + c - '0';
                digits++;
                if (val > 255) {
                    throw error(in, "IPv4 field has value >255", null);
                }
            } else if (c == '.') {
                if (i == off || i == end - 1 || in.charAt(i - 1) == '.') {
                    throw error(in, "IPv4 field must have at least one digit", in.substring(i, end));
                }
                if (pos == 3) {
                    throw error(in, "IPv4 address too long", null);
                }
                out = out << 8 | val;
                pos++;
                val = 0;
                digits = 0;
            } else {
                throw error(in, "unexpected character", in.substring(i, end));
            }
        }
        if (pos < 3) {
            throw error(in, "IPv4 address too short", null);
        }
        return out << 8 | val;
    }

    private static Addr ipv6(String in) throws ParseException {
        String s = in;
        String zone = "";
        int pct = s.indexOf('%');
        if (pct >= 0) {
            zone = s.substring(pct + 1);
            s = s.substring(0, pct);
            if (zone.isEmpty()) {
                throw error(in, "zone must be a non-empty string", null);
            }
        }
        int end = s.length();
        int[] ip = new int[16];
        int ellipsis = -1;
        int p = 0;
        if (s.startsWith("::")) {
            ellipsis = 0;
            p = 2;
            if (p == end) {
                return new Addr(true, 0, 0, zone);
            }
        }
        int i = 0;
        while (i < 16) {
            int off = 0;
            int acc = 0;
            for (; p + off < end; off++) {
                int d = hex(s.charAt(p + off));
                if (d < 0) {
                    break;
                }
                acc = (acc << 4) + d;
                if (off > 3) {
                    throw error(in, "each colon-separated field must have at most 4 hex digits", s.substring(p));
                }
            }
            if (off == 0) {
                throw error(in, "each colon-separated field must have at least one digit", s.substring(p));
            }
            if (p + off < end && s.charAt(p + off) == '.') {
                if (ellipsis < 0 && i != 12) {
                    throw error(in, "embedded IPv4 address must replace the final 2 fields of the address",
                            s.substring(p));
                }
                if (i + 4 > 16) {
                    throw error(in, "too many hex fields to fit an embedded IPv4 at the end of the address",
                            s.substring(p));
                }
                long v4 = ipv4(in, p, end);
                for (int k = 0; k < 4; k++) {
                    ip[i + k] = (int) (v4 >>> (24 - 8 * k) & 255);
                }
                p = end;
                i += 4;
                break;
            }
            ip[i] = acc >>> 8;
            ip[i + 1] = acc & 255;
            i += 2;
            p += off;
            if (p == end) {
                break;
            }
            if (s.charAt(p) != ':') {
                throw error(in, "unexpected character, want colon", s.substring(p));
            } else if (p + 1 == end) {
                throw error(in, "colon must be followed by more characters", s.substring(p));
            }
            p++;
            if (s.charAt(p) == ':') {
                if (ellipsis >= 0) {
                    throw error(in, "multiple :: in address", s.substring(p));
                }
                ellipsis = i;
                p++;
                if (p == end) {
                    break;
                }
            }
        }
        if (p != end) {
            throw error(in, "trailing garbage after address", s.substring(p));
        }
        if (i < 16) {
            if (ellipsis < 0) {
                throw error(in, "address string too short", null);
            }
            int n = 16 - i;
            for (int j = i - 1; j >= ellipsis; j--) {
                ip[j + n] = ip[j];
            }
            for (int j = ellipsis; j < ellipsis + n; j++) {
                ip[j] = 0;
            }
        } else if (ellipsis >= 0) {
            throw error(in, "the :: must expand to at least one field of zeros", s.substring(p));
        }
        long hi = 0;
        long lo = 0;
        for (int k = 0; k < 8; k++) {
            hi = hi << 8 | ip[k];
            lo = lo << 8 | ip[k + 8];
        }
        return new Addr(true, hi, lo, zone);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private static ParseException error(String in, String msg, String at) {
        return new ParseException("ParseAddr(" + GoQuote.quote(in) + "): " + msg
                + (at == null ? "" : " (at " + GoQuote.quote(at) + ")"));
    }

    private static ParseException prefixError(String in, String msg) {
        return new ParseException("netip.ParsePrefix(" + GoQuote.quote(in) + "): " + msg);
    }
}
