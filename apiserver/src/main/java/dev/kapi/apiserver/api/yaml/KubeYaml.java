package dev.kapi.apiserver.api.yaml;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Prints a JSON tree as YAML the way kube-apiserver answers {@code Accept: application/yaml} (and kubectl
 * prints {@code -o yaml}): sigs.k8s.io/yaml, that is go-yaml v2 marshalling the decoded JSON. One document
 * without {@code ---}; mapping keys in go-yaml's order; block style with two-space indents and sequences
 * under a key not indented; empty collections as {@code {}} and {@code []}; strings plain unless a YAML 1.1
 * reader would take them for something else ({@code "true"}, {@code "12"}, timestamps: double quotes) or
 * their characters forbid it (single quotes, or double quotes with escapes); strings with line breaks as
 * {@code |} blocks; long strings folded at spaces past column 80.
 */
public final class KubeYaml {

    private static final int MAX_SIMPLE_KEY_BYTES = 128;

    private enum Style { PLAIN, SINGLE, DOUBLE, LITERAL }

    private final YamlEmitter out = new YamlEmitter();

    private KubeYaml() {
    }

    /** The YAML text of {@code node} (ending with a newline). */
    public static String write(JsonNode node) {
        KubeYaml y = new KubeYaml();
        y.node(node, false, false);
        return y.out.finish();
    }

    private void node(JsonNode n, boolean mappingContext, boolean simpleKey) {
        if (n.isObject() && !n.isEmpty()) {
            mapping(n);
        } else if (n.isArray() && !n.isEmpty()) {
            sequence(n, mappingContext);
        } else if (n.isObject()) {
            out.indicator("{", true, true, false);
            out.indicator("}", false, false, false);
        } else if (n.isArray()) {
            out.indicator("[", true, true, false);
            out.indicator("]", false, false, false);
        } else if (n.isString()) {
            string(n.asString(), simpleKey);
        } else {
            scalar(number(n), Style.PLAIN, simpleKey);
        }
    }

    private static String number(JsonNode n) {
        if (n.isNull() || n.isMissingNode()) {
            return "null";
        }
        if (n.isBoolean()) {
            return n.asBoolean() ? "true" : "false";
        }
        if (n.isIntegralNumber()) {
            BigInteger v = n.bigIntegerValue();
            // go-yaml reads integers beyond 64 bits as floats
            return v.bitLength() <= 64 ? v.toString() : YamlScalars.goFloat(v.doubleValue());
        }
        return YamlScalars.goFloat(n.asDouble());
    }

    private void mapping(JsonNode n) {
        out.increaseIndent(false);
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(n.properties());
        entries.sort(Map.Entry.comparingByKey(YamlScalars.KEY_ORDER));
        for (Map.Entry<String, JsonNode> e : entries) {
            out.writeIndent();
            String key = e.getKey();
            if (!YamlScalars.analyze(key).multiline()
                    && key.getBytes(StandardCharsets.UTF_8).length <= MAX_SIMPLE_KEY_BYTES) {
                string(key, true);
                out.indicator(":", false, false, false);
            } else {
                out.indicator("?", true, false, true);
                string(key, false);
                out.writeIndent();
                out.indicator(":", true, false, true);
            }
            node(e.getValue(), true, false);
        }
        out.popIndent();
    }

    private void sequence(JsonNode n, boolean mappingContext) {
        out.increaseIndent(mappingContext && !out.indention());
        for (JsonNode item : n) {
            out.writeIndent();
            out.indicator("-", true, false, true);
            node(item, false, false);
        }
        out.popIndent();
    }

    private void string(String s, boolean simpleKey) {
        Style style = s.contains("\n") ? Style.LITERAL
                : YamlScalars.needsQuotes(s) ? Style.DOUBLE : Style.PLAIN;
        scalar(s, style, simpleKey);
    }

    private void scalar(String s, Style requested, boolean simpleKey) {
        YamlScalars.Analysis a = YamlScalars.analyze(s);
        Style style = requested;
        if (simpleKey && a.multiline()) {
            style = Style.DOUBLE;
        }
        if (style == Style.PLAIN && (!a.plainAllowed() || s.isEmpty() && simpleKey)) {
            style = Style.SINGLE;
        }
        if (style == Style.SINGLE && !a.singleQuotedAllowed()) {
            style = Style.DOUBLE;
        }
        if (style == Style.LITERAL && (!a.blockAllowed() || simpleKey)) {
            style = Style.DOUBLE;
        }
        out.increaseScalarIndent();
        int[] cps = s.codePoints().toArray();
        switch (style) {
            case PLAIN -> out.plain(cps, !simpleKey);
            case SINGLE -> out.singleQuoted(cps, !simpleKey);
            case DOUBLE -> out.doubleQuoted(cps, !simpleKey);
            case LITERAL -> out.literal(cps);
        }
        out.popIndent();
    }
}
