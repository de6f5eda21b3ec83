package dev.kapi.apiserver.api.yaml;

import java.math.BigInteger;
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

    private static final int BEST_INDENT = 2;
    private static final int BEST_WIDTH = 80;
    private static final int MAX_SIMPLE_KEY_BYTES = 128;

    private enum Style { PLAIN, SINGLE, DOUBLE, LITERAL }

    private final StringBuilder out = new StringBuilder();
    private final List<Integer> indents = new ArrayList<>();
    private int indent = -1;
    private int column;
    private boolean whitespace = true;
    private boolean indention = true;
    private boolean openEnded;

    private KubeYaml() {
    }

    /** The YAML text of {@code node} (ending with a newline). */
    public static String write(JsonNode node) {
        KubeYaml y = new KubeYaml();
        y.node(node, false, false);
        y.writeIndent();
        if (y.openEnded) {
            y.indicator("...", true, false, false);
            y.writeIndent();
        }
        return y.out.toString();
    }

    private void node(JsonNode n, boolean mappingContext, boolean simpleKey) {
        if (n.isObject() && !n.isEmpty()) {
            mapping(n);
        } else if (n.isArray() && !n.isEmpty()) {
            sequence(n, mappingContext);
        } else if (n.isObject()) {
            indicator("{", true, true, false);
            indicator("}", false, false, false);
        } else if (n.isArray()) {
            indicator("[", true, true, false);
            indicator("]", false, false, false);
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
        increaseIndent(false);
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(n.properties());
        entries.sort(Map.Entry.comparingByKey(YamlScalars.KEY_ORDER));
        for (Map.Entry<String, JsonNode> e : entries) {
            writeIndent();
            String key = e.getKey();
            if (!YamlScalars.analyze(key).multiline()
                    && key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_SIMPLE_KEY_BYTES) {
                string(key, true);
                indicator(":", false, false, false);
            } else {
                indicator("?", true, false, true);
                string(key, false);
                writeIndent();
                indicator(":", true, false, true);
            }
            node(e.getValue(), true, false);
        }
        popIndent();
    }

    private void sequence(JsonNode n, boolean mappingContext) {
        increaseIndent(mappingContext && !indention);
        for (JsonNode item : n) {
            writeIndent();
            indicator("-", true, false, true);
            node(item, false, false);
        }
        popIndent();
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
        indents.add(indent);
        indent = indent < 0 ? BEST_INDENT : indent + BEST_INDENT;
        int[] cps = s.codePoints().toArray();
        switch (style) {
            case PLAIN -> plain(cps, !simpleKey);
            case SINGLE -> singleQuoted(cps, !simpleKey);
            case DOUBLE -> doubleQuoted(cps, !simpleKey);
            case LITERAL -> literal(cps);
        }
        popIndent();
    }

    private void plain(int[] v, boolean allowBreaks) {
        if (v.length > 0 && !whitespace) {
            put(' ');
        }
        boolean spaces = false;
        for (int i = 0; i < v.length; i++) {
            if (v[i] == ' ') {
                if (allowBreaks && !spaces && column > BEST_WIDTH && !(i + 1 < v.length && v[i + 1] == ' ')) {
                    writeIndent();
                } else {
                    put(v[i]);
                }
                spaces = true;
            } else {
                put(v[i]);
                indention = false;
                spaces = false;
            }
        }
        if (v.length > 0) {
            whitespace = false;
        }
        indention = false;
    }

    private void singleQuoted(int[] v, boolean allowBreaks) {
        indicator("'", true, false, false);
        boolean spaces = false;
        for (int i = 0; i < v.length; i++) {
            if (v[i] == ' ') {
                if (allowBreaks && !spaces && column > BEST_WIDTH && i > 0 && i < v.length - 1 && v[i + 1] != ' ') {
                    writeIndent();
                } else {
                    put(v[i]);
                }
                spaces = true;
            } else {
                if (v[i] == '\'') {
                    put('\'');
                }
                put(v[i]);
                indention = false;
                spaces = false;
            }
        }
        indicator("'", false, false, false);
        whitespace = false;
        indention = false;
    }

    private void doubleQuoted(int[] v, boolean allowBreaks) {
        indicator("\"", true, false, false);
        boolean spaces = false;
        for (int i = 0; i < v.length; i++) {
            int c = v[i];
            if (!YamlScalars.printable(c) || c == 0xFEFF || YamlScalars.isBreak(c) || c == '"' || c == '\\') {
                put('\\');
                escape(c);
                spaces = false;
            } else if (c == ' ') {
                if (allowBreaks && !spaces && column > BEST_WIDTH && i > 0 && i < v.length - 1) {
                    writeIndent();
                    if (v[i + 1] == ' ') {
                        put('\\');
                    }
                } else {
                    put(c);
                }
                spaces = true;
            } else {
                put(c);
                spaces = false;
            }
        }
        indicator("\"", false, false, false);
        whitespace = false;
        indention = false;
    }

    private void escape(int c) {
        String named = switch (c) {
            case 0x00 -> "0";
            case 0x07 -> "a";
            case 0x08 -> "b";
            case 0x09 -> "t";
            case 0x0A -> "n";
            case 0x0B -> "v";
            case 0x0C -> "f";
            case 0x0D -> "r";
            case 0x1B -> "e";
            case '"' -> "\"";
            case '\\' -> "\\";
            case 0x85 -> "N";
            case 0xA0 -> "_";
            case 0x2028 -> "L";
            case 0x2029 -> "P";
            default -> null;
        };
        if (named != null) {
            append(named);
        } else if (c <= 0xFF) {
            append(String.format("x%02X", c));
        } else if (c <= 0xFFFF) {
            append(String.format("u%04X", c));
        } else {
            append(String.format("U%08X", c));
        }
    }

    private void literal(int[] v) {
        indicator("|", true, false, false);
        if (v[0] == ' ' || YamlScalars.isBreak(v[0])) {
            indicator(String.valueOf(BEST_INDENT), false, false, false);
        }
        openEnded = false;
        int last = v.length - 1;
        if (!YamlScalars.isBreak(v[last])) {
            indicator("-", false, false, false);
        } else if (last == 0 || YamlScalars.isBreak(v[last - 1])) {
            indicator("+", false, false, false);
            openEnded = true;
        }
        putBreak();
        indention = true;
        whitespace = true;
        boolean breaks = true;
        for (int c : v) {
            if (YamlScalars.isBreak(c)) {
                if (c == '\n') {
                    putBreak();
                } else {
                    out.appendCodePoint(c);
                    column = 0;
                }
                indention = true;
                breaks = true;
            } else {
                if (breaks) {
                    writeIndent();
                }
                put(c);
                indention = false;
                breaks = false;
            }
        }
    }

    private void increaseIndent(boolean indentless) {
        indents.add(indent);
        if (indent < 0) {
            indent = 0;
        } else if (!indentless) {
            indent += BEST_INDENT;
        }
    }

    private void popIndent() {
        indent = indents.removeLast();
    }

    private void writeIndent() {
        int ind = Math.max(indent, 0);
        if (!indention || column > ind || column == ind && !whitespace) {
            putBreak();
        }
        while (column < ind) {
            put(' ');
        }
        whitespace = true;
        indention = true;
    }

    private void indicator(String s, boolean needWhitespace, boolean isWhitespace, boolean isIndention) {
        if (needWhitespace && !whitespace) {
            put(' ');
        }
        append(s);
        whitespace = isWhitespace;
        indention = indention && isIndention;
        openEnded = false;
    }

    private void append(String s) {
        s.codePoints().forEach(this::put);
    }

    private void put(int c) {
        out.appendCodePoint(c);
        column++;
    }

    private void putBreak() {
        out.append('\n');
        column = 0;
    }
}
