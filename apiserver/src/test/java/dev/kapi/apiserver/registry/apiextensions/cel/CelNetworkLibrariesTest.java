package dev.kapi.apiserver.registry.apiextensions.cel;

import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.compile;
import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.lines;
import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.runOnSpec;
import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.specSchema;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** kube's IP and CIDR libraries: the examples of ip.go and cidr.go, each as a rule that must hold. */
class CelNetworkLibrariesTest {

    @ParameterizedTest
    @ValueSource(strings = {
            // ip() and isIP()
            "isIP('127.0.0.1') && isIP('::1') && !isIP('127.0.0.256') && !isIP(':::1')",
            "!isIP('01.2.3.4') && !isIP('::ffff:1.2.3.4') && !isIP('fe80::1%eth0') && !isIP('1.2.3') && !isIP('')",
            "!isIP('1:2:3:4:5:6:7:8:9') && !isIP('1::2::3') && !isIP('12345::1') && !isIP('1:2:3:4:5:6:7::8') && isIP('1:2:3:4:5:6::8')",
            "isIP(self.v4) && isIP(self.v6) && ip(self.v4).family() == 4 && ip(self.v6).family() == 6",
            "ip('127.0.0.1').family() == 4 && ip('::1').family() == 6",
            "ip('0.0.0.0').isUnspecified() && !ip('127.0.0.1').isUnspecified() && ip('::').isUnspecified() && !ip('::1').isUnspecified()",
            "ip('127.0.0.1').isLoopback() && !ip('192.168.0.1').isLoopback() && ip('::1').isLoopback() && !ip('2001:db8::abcd').isLoopback()",
            "ip('224.0.0.1').isLinkLocalMulticast() && !ip('224.0.1.1').isLinkLocalMulticast() && ip('ff02::1').isLinkLocalMulticast() && !ip('fd00::1').isLinkLocalMulticast()",
            "ip('169.254.169.254').isLinkLocalUnicast() && !ip('192.168.0.1').isLinkLocalUnicast() && ip('fe80::1').isLinkLocalUnicast() && !ip('fd80::1').isLinkLocalUnicast()",
            "ip('192.168.0.1').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast() && ip('2001:db8::abcd').isGlobalUnicast() && !ip('ff00::1').isGlobalUnicast()",
            "!ip('0.0.0.0').isGlobalUnicast() && !ip('224.0.0.1').isGlobalUnicast() && ip('10.0.0.1').isGlobalUnicast() && ip('fd00::1').isGlobalUnicast()",
            // string(ip) is the canonical form; == compares addresses
            "string(ip('2001:DB8:0:0:0::ABCD')) == '2001:db8::abcd' && string(ip('127.0.0.1')) == '127.0.0.1'",
            "string(ip('1:0:0:2:0:0:0:3')) == '1:0:0:2::3' && string(ip('1:0:2:3:4:5:6:7')) == '1:0:2:3:4:5:6:7' && string(ip('::')) == '::'",
            "string(ip('::1.2.3.4')) == '::102:304' && string(ip('1:0:0:1:0:0:1:1')) == '1::1:0:0:1:1'",
            "ip('::1') == ip('0:0:0:0:0:0:0:1') && ip('127.0.0.1') != ip('127.0.0.2') && ip('0.0.0.0') != ip('::')",
            // cidr() and isCIDR()
            "isCIDR('192.168.0.0/16') && isCIDR('::1/128') && !isCIDR('192.168.0.0/33') && !isCIDR('::1/129')",
            "isCIDR('192.168.0.1/16') && !isCIDR('192.168.0.0') && !isCIDR('192.168.0.0/') && !isCIDR('192.168.0.0/016') && !isCIDR('::ffff:1.2.3.4/120') && !isCIDR('fe80::%eth0/64')",
            "isCIDR(self.net) && cidr(self.net).containsIP(self.v4)",
            "cidr('192.168.0.0/24').containsIP(ip('192.168.0.1')) && !cidr('192.168.0.0/24').containsIP(ip('192.168.1.1'))",
            "cidr('192.168.0.0/24').containsIP('192.168.0.1') && !cidr('192.168.0.0/24').containsIP('192.168.1.1')",
            "cidr('2001:db8::/32').containsIP('2001:db8::1') && !cidr('2001:db8::/32').containsIP('2001:dc8::1') && !cidr('0.0.0.0/0').containsIP('::1')",
            "cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/25')) && !cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/23'))",
            "cidr('192.168.0.0/24').containsCIDR('192.168.0.0/25') && !cidr('192.168.1.0/24').containsCIDR('192.168.2.0/24')",
            "cidr('2001:db8::/32').containsCIDR('2001:db8::/33') && !cidr('2001:db8::/32').containsCIDR('2001:db8::/31')",
            // as kube's code (its doc comment says true): the inner address must be the outer network address
            "!cidr('192.168.0.0/16').containsCIDR(cidr('192.168.10.0/24')) && cidr('192.168.0.0/16').containsCIDR('192.168.0.0/24')",
            "cidr('192.168.0.1/24').ip() == ip('192.168.0.1') && cidr('192.168.0.1/24').ip().family() == 4 && cidr('::1/128').ip() == ip('::1') && cidr('::1/128').ip().family() == 6",
            "cidr('192.168.0.0/24').masked() == cidr('192.168.0.0/24') && cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')",
            "cidr('192.168.0.0/24') == cidr('192.168.0.0/24').masked() && cidr('192.168.0.1/24') != cidr('192.168.0.1/24').masked()",
            "cidr('2001:db8:1::/32').masked() == cidr('2001:db8::/32') && cidr('10.1.2.3/0').masked() == cidr('0.0.0.0/0') && cidr('2001:db8::ffff/100').masked() == cidr('2001:db8::/100')",
            "cidr('192.168.0.0/16').prefixLength() == 16 && cidr('::1/128').prefixLength() == 128",
            "string(cidr('192.168.0.1/24')) == '192.168.0.1/24' && string(cidr('2001:DB8::/32')) == '2001:db8::/32' && string(cidr('192.168.0.1/24').masked()) == '192.168.0.0/24'"})
    void functionHolds(String rule) {
        assertThat(run(rule)).isEmpty();
        assertThat(run("!(" + rule + ")")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ip('127.0.0.256').family() == 4 => IP Address \"127.0.0.256\" parse error during conversion from string: ParseAddr(\"127.0.0.256\"): IPv4 field has value >255",
            "ip(':::1').family() == 6 => IP Address \":::1\" parse error during conversion from string: ParseAddr(\":::1\"): each colon-separated field must have at least one digit (at \":1\")",
            "ip('01.2.3.4').family() == 4 => IP Address \"01.2.3.4\" parse error during conversion from string: ParseAddr(\"01.2.3.4\"): IPv4 field has octet with leading zero",
            "ip('1.2.3').family() == 4 => IP Address \"1.2.3\" parse error during conversion from string: ParseAddr(\"1.2.3\"): IPv4 address too short",
            "ip('1.2..3').family() == 4 => IP Address \"1.2..3\" parse error during conversion from string: ParseAddr(\"1.2..3\"): IPv4 field must have at least one digit (at \".3\")",
            "ip('localhost').family() == 4 => IP Address \"localhost\" parse error during conversion from string: ParseAddr(\"localhost\"): unable to parse IP",
            "ip('1::2::3').family() == 6 => IP Address \"1::2::3\" parse error during conversion from string: ParseAddr(\"1::2::3\"): multiple :: in address (at \":3\")",
            "ip('1:2:3').family() == 6 => IP Address \"1:2:3\" parse error during conversion from string: ParseAddr(\"1:2:3\"): address string too short",
            "ip('::ffff:1.2.3.4').family() == 6 => IPv4-mapped IPv6 address \"::ffff:1.2.3.4\" is not allowed",
            "ip('fe80::1%eth0').family() == 6 => IP address \"fe80::1%eth0\" with zone value is not allowed",
            "cidr('192.168.0.0/33').prefixLength() == 1 => network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"192.168.0.0/33\"): prefix length out of range",
            "cidr('192.168.0.0/').prefixLength() == 1 => network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"192.168.0.0/\"): bad bits after slash: \"\"",
            "cidr('10.0.0.0').prefixLength() == 1 => network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"10.0.0.0\"): no '/'",
            "cidr('10.0.0.256/8').prefixLength() == 1 => network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"10.0.0.256/8\"): ParseAddr(\"10.0.0.256\"): IPv4 field has value >255",
            "cidr('::ffff:1.2.3.4/120').prefixLength() == 1 => network address parse error during conversion from string: IPv4-mapped IPv6 address \"::ffff:1.2.3.4/120\" is not allowed",
            "cidr('10.0.0.0/8').containsIP('10.0.0.1/8') => IP Address \"10.0.0.1/8\" parse error during conversion from string: ParseAddr(\"10.0.0.1/8\"): unexpected character (at \"/8\")"})
    void runtimeErrors(String ruleAndError) {
        String[] parts = ruleAndError.split(" => ");
        assertThat(run(parts[0])).containsExactly(
                "spec: Invalid value: \"object\": " + parts[1] + " evaluating rule: " + parts[0]);
    }

    @Test
    void parsingAStringCostsByItsLength() {
        // 40 strings of up to 3 MiB each: parsing them all is estimated over the per-rule limit
        String schema = """
                type: array
                maxItems: 40
                items: {type: string%s}
                x-kubernetes-validations:
                - rule: self.all(x, isIP(x) || isCIDR(x))
                """;
        assertThat(lines(compile(specSchema(schema.formatted(""))).errors())).contains(
                "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of 2.5x");
        assertThat(compile(specSchema(schema.formatted(", maxLength: 43"))).errors()).isEmpty();
    }

    private static List<String> run(String rule) {
        return runOnSpec("""
                v4: {type: string, maxLength: 15}
                v6: {type: string, maxLength: 39}
                net: {type: string, maxLength: 43}
                """, "{spec: {v4: 10.1.2.3, v6: 'fd00::1', net: 10.0.0.0/8}}", rule);
    }

}
