package dev.kapi.apiserver.cel;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.cel.NetAddrs.Addr;
import java.util.List;

/**
 * kube's CEL IP library: {@code ip(s)} and {@code isIP(s)} (IPv4 or IPv6; no zones, no IPv4-mapped IPv6, no
 * leading zeros), {@code string(ip)} (the canonical form), and on an IP {@code family()},
 * {@code isUnspecified()}, {@code isLoopback()}, {@code isLinkLocalMulticast()}, {@code isLinkLocalUnicast()}
 * and {@code isGlobalUnicast()}, as Go's {@code netip.Addr} answers them; {@code ==} compares addresses.
 */
public final class KubeIps {

    static final OpaqueType TYPE = OpaqueType.create("net.IP");

    private KubeIps() {
    }

    public static List<CelFunctionDecl> declarations() {
        return List.of(
                global("ip", "string_to_ip", TYPE, SimpleType.STRING),
                global("isIP", "is_ip", SimpleType.BOOL, SimpleType.STRING),
                global("string", "ip_to_string", SimpleType.STRING, TYPE),
                member("family", "ip_family", SimpleType.INT),
                member("isUnspecified", "ip_is_unspecified", SimpleType.BOOL),
                member("isLoopback", "ip_is_loopback", SimpleType.BOOL),
                member("isLinkLocalMulticast", "ip_is_link_local_multicast", SimpleType.BOOL),
                member("isLinkLocalUnicast", "ip_is_link_local_unicast", SimpleType.BOOL),
                member("isGlobalUnicast", "ip_is_global_unicast", SimpleType.BOOL));
    }

    public static List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("string_to_ip", String.class, KubeIps::parse),
                CelFunctionBinding.from("is_ip", String.class, s -> {
                    try {
                        parse(s);
                        return true;
                    } catch (CelEvaluationException e) {
                        return false;
                    }
                }),
                CelFunctionBinding.from("ip_to_string", Addr.class, Addr::toString),
                CelFunctionBinding.from("ip_family", Addr.class, a -> a.v6() ? 6L : 4L),
                CelFunctionBinding.from("ip_is_unspecified", Addr.class, a -> a.hi() == 0 && a.lo() == 0),
                CelFunctionBinding.from("ip_is_loopback", Addr.class, KubeIps::isLoopback),
                CelFunctionBinding.from("ip_is_link_local_multicast", Addr.class,
                        a -> a.v6() ? (a.u16(0) & 0xff0f) == 0xff02 : (a.lo() >>> 8) == 0xe00000L),
                CelFunctionBinding.from("ip_is_link_local_unicast", Addr.class, KubeIps::isLinkLocalUnicast),
                CelFunctionBinding.from("ip_is_global_unicast", Addr.class, KubeIps::isGlobalUnicast));
    }

    /** kube's parseIPAddr: netip's syntax, then no zone and no IPv4-mapped IPv6 address. */
    static Addr parse(String s) throws CelEvaluationException {
        Addr a;
        try {
            a = NetAddrs.parseAddr(s);
        } catch (NetAddrs.ParseException e) {
            throw new CelEvaluationException("IP Address " + GoQuote.quote(s)
                    + " parse error during conversion from string: " + e.getMessage());
        }
        if (!a.zone().isEmpty()) {
            throw new CelEvaluationException("IP address " + GoQuote.quote(s) + " with zone value is not allowed");
        }
        if (a.is4In6()) {
            throw new CelEvaluationException("IPv4-mapped IPv6 address " + GoQuote.quote(s) + " is not allowed");
        }
        return a;
    }

    private static boolean isLoopback(Addr a) {
        return a.v6() ? a.hi() == 0 && a.lo() == 1 : (a.lo() >>> 24) == 127;
    }

    private static boolean isLinkLocalUnicast(Addr a) {
        return a.v6() ? (a.u16(0) & 0xffc0) == 0xfe80 : (a.lo() >>> 16) == 0xa9fe;
    }

    private static boolean isMulticast(Addr a) {
        return a.v6() ? (a.u16(0) >>> 8) == 0xff : (a.lo() >>> 28) == 0xe;
    }

    private static boolean isGlobalUnicast(Addr a) {
        if (!a.v6() && a.lo() == 0xffffffffL) {
            return false;
        }
        return !(a.hi() == 0 && a.lo() == 0) && !isLoopback(a) && !isMulticast(a) && !isLinkLocalUnicast(a);
    }

    private static CelFunctionDecl global(String name, String id, CelType result, CelType arg) {
        return CelFunctionDecl.newFunctionDeclaration(name, CelOverloadDecl.newGlobalOverload(id, result, arg));
    }

    private static CelFunctionDecl member(String name, String id, CelType result) {
        return CelFunctionDecl.newFunctionDeclaration(name, CelOverloadDecl.newMemberOverload(id, result, TYPE));
    }
}
