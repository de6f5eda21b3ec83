package dev.kapi.apiserver.controllers.nodes;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The pod IPs of the simulated nodes (the CNI's host-local IPAM, small): a pod gets the lowest address of its
 * node's IPv4 pod CIDR, from the network's {@code .2} on, that no live pod holds. What the pods' statuses say
 * is in use comes from the caller (the informer's pods); an address handed out is also held here, by pod uid,
 * until {@link #release}, so that two pods started before either status is written never share one.
 *
 * <p>Example: with CIDR {@code 10.244.0.0/24} and {@code 10.244.0.2} in use, the next pod gets {@code 10.244.0.3}.
 */
final class PodIps {

    /** Where the pods of a simulated node without a (readable IPv4) pod CIDR get their addresses. */
    static final String FALLBACK_CIDR = "10.240.0.0/16";

    private final Map<String, String> held = new HashMap<>();

    /**
     * The address of pod {@code uid} in {@code cidr}: the one held for it, else the lowest free one; null when
     * the range is full.
     *
     * @param inUse the addresses of live pods (any node), read from their statuses
     */
    synchronized String allocate(String uid, String cidr, Collection<String> inUse) {
        String mine = held.get(uid);
        if (mine != null) {
            return mine;
        }
        long[] range = range(cidr == null ? FALLBACK_CIDR : cidr);
        if (range == null) {
            range = range(FALLBACK_CIDR);
        }
        Set<String> taken = inUse.stream().collect(Collectors.toSet());
        taken.addAll(held.values());
        for (long ip = range[0] + 2; ip < range[1] && ip < range[0] + 65536; ip++) {
            String address = format(ip);
            if (!taken.contains(address)) {
                held.put(uid, address);
                return address;
            }
        }
        return null;
    }

    /** The pod's address is free again (it was deleted or ended, or its status now says it holds it). */
    synchronized void release(String uid) {
        held.remove(uid);
    }

    /** [network, broadcast] of an IPv4 CIDR of prefix 8 to 30; null for anything else. */
    static long[] range(String cidr) {
        String[] parts = cidr.split("/");
        String[] octets = parts[0].split("\\.");
        if (parts.length != 2 || octets.length != 4) {
            return null;
        }
        try {
            int prefix = Integer.parseInt(parts[1]);
            if (prefix < 8 || prefix > 30) {
                return null;
            }
            long ip = 0;
            for (String o : octets) {
                int v = Integer.parseInt(o);
                if (v < 0 || v > 255) {
                    return null;
                }
                ip = ip << 8 | v;
            }
            long size = 1L << (32 - prefix);
            long network = ip & ~(size - 1) & 0xFFFFFFFFL;
            return new long[]{network, network + size - 1};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String format(long ip) {
        return (ip >> 24 & 255) + "." + (ip >> 16 & 255) + "." + (ip >> 8 & 255) + "." + (ip & 255);
    }
}
