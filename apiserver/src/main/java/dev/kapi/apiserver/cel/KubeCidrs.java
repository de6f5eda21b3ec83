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
 * kube's CEL CIDR library: {@code cidr(s)} and {@code isCIDR(s)} ({@code <ip>/<bits>}, bits after the prefix
 * allowed, no IPv4-mapped IPv6), {@code string(cidr)}, and on a CIDR {@code containsIP(ip|string)},
 * {@code containsCIDR(cidr|string)}, {@code ip()}, {@code masked()} and {@code prefixLength()};
 * {@code ==} compares address and length ({@code cidr('10.0.0.1/8') != cidr('10.0.0.0/8')}).
 */
public final class KubeCidrs {

    static final OpaqueType TYPE = OpaqueType.create("net.CIDR");

    /** A prefix as Go's {@code netip.Prefix}: an address (not necessarily masked) and a length. */
    record Cidr(Addr addr, int bits) {
        @Override
        public String toString() {
            return addr + "/" + bits;
        }

        Cidr masked() {
            return new Cidr(addr.masked(bits), bits);
        }

        boolean contains(Addr ip) {
            return ip.v6() == addr.v6() && ip.masked(bits).equals(addr.masked(bits));
        }
    }

    private KubeCidrs() {
    }

    public static List<CelFunctionDecl> declarations() {
        return List.of(
                CelFunctionDecl.newFunctionDeclaration("cidr",
                        CelOverloadDecl.newGlobalOverload("string_to_cidr", TYPE, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration("isCIDR",
                        CelOverloadDecl.newGlobalOverload("is_cidr", SimpleType.BOOL, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration("string",
                        CelOverloadDecl.newGlobalOverload("cidr_to_string", SimpleType.STRING, TYPE)),
                CelFunctionDecl.newFunctionDeclaration("containsIP",
                        CelOverloadDecl.newMemberOverload("cidr_contains_ip_string", SimpleType.BOOL, TYPE,
                                SimpleType.STRING),
                        CelOverloadDecl.newMemberOverload("cidr_contains_ip_ip", SimpleType.BOOL, TYPE, KubeIps.TYPE)),
                CelFunctionDecl.newFunctionDeclaration("containsCIDR",
                        CelOverloadDecl.newMemberOverload("cidr_contains_cidr_string", SimpleType.BOOL, TYPE,
                                SimpleType.STRING),
                        CelOverloadDecl.newMemberOverload("cidr_contains_cidr", SimpleType.BOOL, TYPE, TYPE)),
                member("ip", "cidr_ip", KubeIps.TYPE),
                member("masked", "cidr_masked", TYPE),
                member("prefixLength", "cidr_prefix_length", SimpleType.INT));
    }

    public static List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("string_to_cidr", String.class, KubeCidrs::parse),
                CelFunctionBinding.from("is_cidr", String.class, s -> {
                    try {
                        parse(s);
                        return true;
                    } catch (CelEvaluationException e) {
                        return false;
                    }
                }),
                CelFunctionBinding.from("cidr_to_string", Cidr.class, Cidr::toString),
                CelFunctionBinding.from("cidr_contains_ip_string", Cidr.class, String.class,
                        (c, s) -> c.contains(KubeIps.parse(s))),
                CelFunctionBinding.from("cidr_contains_ip_ip", Cidr.class, Addr.class, Cidr::contains),
                CelFunctionBinding.from("cidr_contains_cidr_string", Cidr.class, String.class,
                        (c, s) -> containsCidr(c, parse(s))),
                CelFunctionBinding.from("cidr_contains_cidr", Cidr.class, Cidr.class, KubeCidrs::containsCidr),
                CelFunctionBinding.from("cidr_ip", Cidr.class, Cidr::addr),
                CelFunctionBinding.from("cidr_masked", Cidr.class, Cidr::masked),
                CelFunctionBinding.from("cidr_prefix_length", Cidr.class, c -> (long) c.bits()));
    }

    /** kube's parseCIDR (netip's syntax, no IPv4-mapped IPv6), with its doubled message prefix on errors. */
    static Cidr parse(String s) throws CelEvaluationException {
        String prefix = "network address parse error during conversion from string: ";
        int[] bits = new int[1];
        Addr a;
        try {
            a = NetAddrs.parsePrefix(s, bits);
        } catch (NetAddrs.ParseException e) {
            throw new CelEvaluationException(prefix + prefix + e.getMessage());
        }
        if (a.is4In6()) {
            throw new CelEvaluationException(prefix + "IPv4-mapped IPv6 address " + GoQuote.quote(s)
                    + " is not allowed");
        }
        return new Cidr(a, bits[0]);
    }

    /**
     * As kube's (not its doc comment): the inner CIDR's address as written, not masked, must be the outer network
     * address, so {@code cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')} is false and
     * {@code containsCIDR('10.0.0.0/16')} true.
     */
    private static boolean containsCidr(Cidr outer, Cidr inner) {
        return outer.bits() <= inner.bits() && inner.addr().equals(outer.addr().masked(outer.bits()));
    }

    private static CelFunctionDecl member(String name, String id, CelType result) {
        return CelFunctionDecl.newFunctionDeclaration(name, CelOverloadDecl.newMemberOverload(id, result, TYPE));
    }
}
