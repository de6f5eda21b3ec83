package dev.kapi.apiserver.api.yaml;

import java.util.ArrayList;
import java.util.List;

/**
 * libyaml's emitter state as go-yaml v2 drives it for block-style output: the text so far, the column,
 * the indentation stack, and whether the last thing written was white space or indentation; plus the four
 * ways of writing a scalar (plain, single-quoted, double-quoted, literal block), which fold long lines at
 * spaces past {@link #BEST_WIDTH} the way go-yaml does.
 */
final class YamlEmitter {

    static final int BEST_INDENT = 2;
    static final int BEST_WIDTH = 80;

    private final StringBuilder out = new StringBuilder();
    private final List<Integer> indents = new ArrayList<>();
    private int indent = -1;
    private int column;
    private boolean whitespace = true;
    private boolean indention = true;
    private boolean openEnded;

    /** The text written, after the document's end (a final line break, and {@code ...} where YAML needs it). */
    String finish() {
        writeIndent();
        if (openEnded) {
            indicator("...", true, false, false);
            writeIndent();
        }
        return out.toString();
    }

    /** Whether the last thing written was indentation (a block sequence under a key is then not indented). */
    boolean indention() {
        return indention;
    }

    /** A plain scalar; {@code allowBreaks} (not a key): folds at a space past the width. */
    void plain(int[] v, boolean allowBreaks) {
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

    /** A single-quoted scalar ({@code '} doubled), folding as {@link #plain}. */
    void singleQuoted(int[] v, boolean allowBreaks) {
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

    /** A double-quoted scalar with YAML's escapes for what is not printable, folding as {@link #plain}. */
    void doubleQuoted(int[] v, boolean allowBreaks) {
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

    /** A literal block ({@code |}) with its indentation and chomping indicators; never folded. */
    void literal(int[] v) {
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

    /** Indents one level deeper for a block collection ({@code indentless}: a sequence under a key). */
    void increaseIndent(boolean indentless) {
        indents.add(indent);
        if (indent < 0) {
            indent = 0;
        } else if (!indentless) {
            indent += BEST_INDENT;
        }
    }

    /** Indents one level deeper for a scalar's folded lines. */
    void increaseScalarIndent() {
        indents.add(indent);
        indent = indent < 0 ? BEST_INDENT : indent + BEST_INDENT;
    }

    /** Back to the enclosing level of indentation. */
    void popIndent() {
        indent = indents.removeLast();
    }

    /** Starts a new line at the current indentation unless the text is already there. */
    void writeIndent() {
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

    /** An indicator ({@code :}, {@code -}, {@code ?}, quotes, brackets), after a space where one is needed. */
    void indicator(String s, boolean needWhitespace, boolean isWhitespace, boolean isIndention) {
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
