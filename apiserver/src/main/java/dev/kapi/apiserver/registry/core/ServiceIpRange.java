package dev.kapi.apiserver.registry.core;

/**
 * An IPv4 service range ({@code --service-cluster-ip-range}, e.g. {@code 10.96.0.0/12}) and the mapping between
 * its addresses and allocator offsets: offset {@code n} is {@code network + n}. The network address (offset 0)
 * and the broadcast address are never in the range.
 */
record ServiceIpRange(String cidr, long network, int prefix) {

    static ServiceIpRange parse(String cidr) {
        if (cidr.contains(",")) {
            throw new IllegalArgumentException("--service-cluster-ip-range " + cidr + " is not supported: Kapi "
                    + "allocates from one IPv4 range (no dual-stack)");
        }
        int slash = cidr.indexOf('/');
        String bits = slash < 0 ? "" : cidr.substring(slash + 1);
        if (slash < 0 || bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("service-cluster-ip-range[0] is not a valid cidr: " + cidr);
        }
        Long addr = parseIpv4(cidr.substring(0, slash));
        int prefix = Integer.parseInt(bits);
        if (addr == null || prefix < 1 || prefix > 30) {
            throw new IllegalArgumentException("--service-cluster-ip-range " + cidr + " is not supported: Kapi "
                    + "allocates from one IPv4 range of /1 to /30");
        }
        long mask = (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return new ServiceIpRange(cidr, addr & mask, prefix);
    }

    /** Addresses in the CIDR, network and broadcast included. */
    long total() {
        return 1L << (32 - prefix);
    }

    /** The allocator's size: offsets 0 .. total-2 (the broadcast address excluded). */
    int allocatorSize() {
        return (int) Math.min(Integer.MAX_VALUE, total() - 1);
    }

    /** The offset of {@code ip}, or -1 when it is not a usable address of this range. */
    int offsetOf(String ip) {
        Long a = parseIpv4(ip);
        if (a == null) {
            return -1;
        }
        long off = a - network;
        return off >= 1 && off <= total() - 2 ? (int) off : -1;
    }

    String addressAt(int offset) {
        long a = network + offset;
        return ((a >> 24) & 0xFF) + "." + ((a >> 16) & 0xFF) + "." + ((a >> 8) & 0xFF) + "." + (a & 0xFF);
    }

    /** Parses a dotted-quad IPv4 address, or returns null. */
    static Long parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)
                    || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int n = Integer.parseInt(p);
            if (n > 255) {
                return null;
            }
            v = (v << 8) | n;
        }
        return v;
    }

    /** True for a textual IPv6 address (loosely: contains ':' and only hex digits, ':' and '.'). */
    static boolean looksIpv6(String s) {
        return s.contains(":") && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }
}
