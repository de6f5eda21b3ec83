package dev.kapi.apiserver.api.fieldpath;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Path elements of list items hash by their values, consistently with their equality: the items of one keyed
 * list (a Pod's env, an object's ownerReferences) must not share one hash bucket, or every write that tracks
 * managed fields costs time quadratic in the list's length (a 20,000-item env took 53 s).
 */
class PathElementHashTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static PathElement.Key key(String field, JsonNode value) {
        return new PathElement.Key(List.of(Map.entry(field, value)));
    }

    @Test
    void keysOfDifferentValuesSpreadOverHashes() {
        Set<Integer> hashes = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            hashes.add(key("name", NODES.stringNode("VAR_" + i)).hashCode());
            hashes.add(key("uid", NODES.numberNode(i)).hashCode());
        }
        assertThat(hashes).hasSizeGreaterThan(19_900);
        Set<Integer> values = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            values.add(new PathElement.Value(NODES.stringNode("finalizer-" + i)).hashCode());
        }
        assertThat(values).hasSizeGreaterThan(9_990);
    }

    @Test
    void equalElementsHashAlike() {
        assertEqualHashes(key("port", NODES.numberNode(80)), key("port", NODES.numberNode(80.0)));
        assertEqualHashes(key("port", NODES.numberNode(80L)), key("port", NODES.numberNode(new BigInteger("80"))));
        assertEqualHashes(key("n", NODES.numberNode(new BigInteger("100000000000000000000"))),
                key("n", NODES.numberNode(1e20)));
        assertEqualHashes(key("n", NODES.numberNode(0.5)), key("n", NODES.numberNode(new java.math.BigDecimal("0.50"))));
        PathElement.Key twoFields = new PathElement.Key(List.of(Map.entry("protocol", NODES.stringNode("TCP")),
                Map.entry("port", NODES.numberNode(53))));
        PathElement.Key reversed = new PathElement.Key(List.of(Map.entry("port", NODES.numberNode(53.0)),
                Map.entry("protocol", NODES.stringNode("TCP"))));
        assertEqualHashes(twoFields, reversed);
        assertEqualHashes(new PathElement.Value(NODES.numberNode(3)), new PathElement.Value(NODES.numberNode(3.0)));
        assertEqualHashes(key("n", NODES.numberNode(1_000_000_000_000_000_000L)), key("n", NODES.numberNode(1e18)));
        assertEqualHashes(key("n", NODES.numberNode(new BigInteger("9900000000000000000"))),
                key("n", NODES.numberNode(9.9e18)));
        assertThat(new PathElement.Value(NODES.numberNode(Double.POSITIVE_INFINITY)).hashCode())
                .as("1e400 reads as infinity").isEqualTo(Double.hashCode(Double.POSITIVE_INFINITY));
        assertEqualHashes(new PathElement.Value(NODES.booleanNode(true)), new PathElement.Value(NODES.booleanNode(true)));
    }

    private static void assertEqualHashes(PathElement a, PathElement b) {
        assertThat(a).isEqualTo(b);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
    }
}
