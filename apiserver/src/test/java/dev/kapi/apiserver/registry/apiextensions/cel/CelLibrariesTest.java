package dev.kapi.apiserver.registry.apiextensions.cel;

import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.runOnSpec;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each supported library function, as a rule that must hold (and its negation, which must fail). */
class CelLibrariesTest {

    @ParameterizedTest
    @ValueSource(strings = {
            // standard + strings extension
            "self.s.startsWith('Hello') && self.s.endsWith('!') && self.s.contains('lo, W')",
            "self.s.lowerAscii() == 'hello, world!' && self.s.upperAscii() == 'HELLO, WORLD!'",
            "self.s.indexOf('o') == 4 && self.s.lastIndexOf('o') == 8 && self.s.charAt(0) == 'H'",
            "self.s.split(', ') == ['Hello', 'World!'] && ['a', 'b'].join('-') == 'a-b'",
            "self.s.substring(7, 12) == 'World' && '  x '.trim() == 'x' && self.s.replace('World', 'you') == 'Hello, you!'",
            "self.s.matches('^H.*!$') && self.s.size() == 13",
            // lists
            "self.ints.isSorted() && !self.unsorted.isSorted() && self.names.isSorted()",
            "self.ints.sum() == 6 && self.doubles.sum() == 3.5 && [].sum() == 0",
            "self.ints.min() == 1 && self.ints.max() == 3 && self.names.min() == 'a' && self.names.max() == 'c'",
            "self.ints.indexOf(2) == 1 && self.dup.indexOf(7) == 0 && self.dup.lastIndexOf(7) == 2 && self.ints.indexOf(9) == -1",
            // sets extension
            "sets.contains(self.ints, [1, 2]) && sets.intersects(self.ints, [3, 4]) && sets.equivalent([1, 2], [2, 1])",
            // regex
            "self.s.find('[A-Z][a-z]+') == 'Hello' && self.s.find('xyz') == ''",
            "self.s.findAll('[A-Z]') == ['H', 'W'] && self.s.findAll('o', 1) == ['o']",
            // url
            "isURL('https://example.com:8443/a%20b?x=1&x=2&y') && !isURL('not a url')",
            "url('https://user@example.com:8443/p?x=1').getScheme() == 'https' && url('https://example.com:8443/p').getHost() == 'example.com:8443'",
            "url('https://[::1]:80/').getHostname() == '::1' && url('https://example.com:8443/').getPort() == '8443' && url('https://example.com/').getPort() == ''",
            "url('https://example.com/a%20b').getEscapedPath() == '/a%20b' && url('/path?x=1&x=2&y').getQuery() == {'x': ['1', '2'], 'y': ['']}",
            // quantity
            "isQuantity('1.5Gi') && isQuantity('100m') && !isQuantity('1.5GiB') && isQuantity(self.q)",
            "quantity('1') == quantity('1000m') && quantity('1k').isGreaterThan(quantity('999')) && quantity('1Mi').isLessThan(quantity('1.1M'))",
            "quantity('1.5Gi').asInteger() == 1610612736 && quantity('1.5').isInteger() == false && quantity('2k').isInteger()",
            "quantity('-5').sign() == -1 && quantity('0').sign() == 0 && quantity('250m').asApproximateFloat() == 0.25",
            "quantity('1').add(quantity('500m')) == quantity('1500m') && quantity('1').add(2) == quantity('3')",
            "quantity('1').sub(quantity('500m')) == quantity('500m') && quantity('5').sub(2).compareTo(quantity('3')) == 0",
            "quantity(self.q).compareTo(quantity('1G')) > 0"})
    void functionHolds(String rule) {
        assertThat(run(rule)).isEmpty();
        assertThat(run("!(" + rule + ")")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "self.dup.filter(x, x > 100).min() == 0 => spec: Invalid value: \"object\": min called on empty list evaluating rule: self.dup.filter(x, x > 100).min() == 0",
            "url('x y') == url('x') => spec: Invalid value: \"object\": URL parse error during conversion from string: parse \"x y\": invalid URI for request evaluating rule: url('x y') == url('x')",
            "quantity('1.5').asInteger() == 1 => spec: Invalid value: \"object\": cannot convert value to integer evaluating rule: quantity('1.5').asInteger() == 1",
            "self.ints[7] == 1 => spec: Invalid value: \"object\": index out of bounds: 7 evaluating rule: self.ints[7] == 1",
            "1 / (self.ints[0] - 1) == 1 => spec: Invalid value: \"object\": division by zero evaluating rule: 1 / (self.ints[0] - 1) == 1"})
    void runtimeErrors(String ruleAndError) {
        String[] parts = ruleAndError.split(" => ");
        assertThat(run(parts[0])).containsExactly(parts[1]);
    }

    private static List<String> run(String rule) {
        return runOnSpec("""
                s: {type: string, maxLength: 64}
                q: {type: string, maxLength: 16}
                ints: {type: array, maxItems: 10, items: {type: integer}}
                unsorted: {type: array, maxItems: 10, items: {type: integer}}
                dup: {type: array, maxItems: 10, items: {type: integer}}
                doubles: {type: array, maxItems: 10, items: {type: number}}
                names: {type: array, maxItems: 10, items: {type: string, maxLength: 8}}
                """, "{spec: {s: 'Hello, World!', q: 2Gi, ints: [1, 2, 3], unsorted: [2, 1], dup: [7, 8, 7], doubles: [1.5, 2], names: [a, b, c]}}", rule);
    }

}
