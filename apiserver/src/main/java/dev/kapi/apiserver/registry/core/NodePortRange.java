package dev.kapi.apiserver.registry.core;

/** The node port range ({@code --service-node-port-range}, e.g. {@code 30000-32767}); offset n is {@code base + n}. */
record NodePortRange(String text, int base, int size) {

    /** kube's default, also what an empty value means. */
    static final String DEFAULT = "30000-32767";

    /** {@code low-high}, {@code base+offset} (the ports base to base+offset) or one port, as kube's PortRange. */
    static NodePortRange parse(String text) {
        if (text.isBlank()) {
            return parse(DEFAULT);
        }
        boolean plus = text.contains("+");
        String[] parts = text.trim().split(plus ? "\\+" : "-", -1);
        if (parts.length > 2) {
            throw invalid(text, "invalid port range " + text);
        }
        int lo = port(text, parts[0]);
        int hi = parts.length == 1 ? lo : plus ? lo + port(text, parts[1]) : port(text, parts[1]);
        if (lo < 1 || hi > 65535 || hi < lo) {
            throw invalid(text, "invalid port range " + text);
        }
        return new NodePortRange(lo + "-" + hi, lo, hi - lo + 1);
    }

    /** A port as Go's {@code strconv.Atoi} reads it, else pflag's refusal of the flag. */
    private static int port(String text, String part) {
        String p = part.trim();
        try {
            if (p.isEmpty() || p.length() > 6 || !p.matches("-?[0-9]+")) {
                throw new NumberFormatException();
            }
            return Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw invalid(text, "strconv.Atoi: parsing \"" + p + "\": invalid syntax");
        }
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid argument \"" + text + "\" for \"--service-node-port-range\" flag: "
                + why);
    }

    boolean contains(int port) {
        return port >= base && port < base + size;
    }
}
