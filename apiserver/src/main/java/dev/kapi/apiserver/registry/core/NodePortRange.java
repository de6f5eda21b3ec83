package dev.kapi.apiserver.registry.core;

/** The node port range ({@code --service-node-port-range}, e.g. {@code 30000-32767}); offset n is {@code base + n}. */
record NodePortRange(String text, int base, int size) {

    static NodePortRange parse(String text) {
        String[] parts = text.trim().split("-");
        if (parts.length == 1) {
            int p = Integer.parseInt(parts[0].trim());
            return new NodePortRange(text, p, 1);
        }
        int lo = Integer.parseInt(parts[0].trim());
        int hi = Integer.parseInt(parts[1].trim());
        if (lo < 1 || hi > 65535 || hi < lo) {
            throw new IllegalArgumentException("invalid service node port range: " + text);
        }
        return new NodePortRange(lo + "-" + hi, lo, hi - lo + 1);
    }

    boolean contains(int port) {
        return port >= base && port < base + size;
    }
}
