package dev.kapi.apiserver.api.selection;

import dev.kapi.apiserver.api.selection.LabelRequirement.Operator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The label selector grammar of apimachinery's {@code labels.Parse}: a lexer of identifiers, keywords
 * ({@code in}, {@code notin}) and operator symbols, and a recursive-descent parser with kube's error texts.
 */
final class LabelSelectorParser {

    private enum Tok { IDENTIFIER, IN, NOT_IN, OPEN_PAR, CLOSED_PAR, COMMA, BANG, EQUALS, DOUBLE_EQUALS, NOT_EQUALS,
        GREATER_THAN, LESS_THAN, END }

    private record Item(Tok tok, String literal) {
    }

    private static final Map<String, Tok> SYMBOLS = Map.of(")", Tok.CLOSED_PAR, ",", Tok.COMMA, "!", Tok.BANG,
            "==", Tok.DOUBLE_EQUALS, "=", Tok.EQUALS, ">", Tok.GREATER_THAN, "<", Tok.LESS_THAN,
            "!=", Tok.NOT_EQUALS, "(", Tok.OPEN_PAR);

    private static final String BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

    private final List<Item> items;
    private int position;

    private LabelSelectorParser(String s) {
        this.items = lex(s);
    }

    /** The requirements of {@code selector}, unsorted; throws {@link SelectorSyntaxException}. */
    static List<LabelRequirement> parse(String selector) {
        return new LabelSelectorParser(selector).parse();
    }

    private List<LabelRequirement> parse() {
        List<LabelRequirement> out = new ArrayList<>();
        while (true) {
            Item next = lookahead(true);
            switch (next.tok()) {
                case IDENTIFIER, BANG -> {
                    try {
                        out.add(requirement());
                    } catch (SelectorSyntaxException e) {
                        throw new SelectorSyntaxException("unable to parse requirement: " + e.getMessage());
                    }
                    Item t = consume(true);
                    if (t.tok() == Tok.END) {
                        return out;
                    }
                    if (t.tok() != Tok.COMMA) {
                        throw error("found '" + t.literal() + "', expected: ',' or 'end of string'");
                    }
                    Item t2 = lookahead(true);
                    if (t2.tok() != Tok.IDENTIFIER && t2.tok() != Tok.BANG) {
                        throw error("found '" + t2.literal() + "', expected: identifier after ','");
                    }
                }
                case END -> {
                    return out;
                }
                default -> throw error("found '" + next.literal() + "', expected: !, identifier, or 'end of string'");
            }
        }
    }

    private LabelRequirement requirement() {
        Operator op = null;
        Item t = consume(true);
        if (t.tok() == Tok.BANG) {
            op = Operator.DOES_NOT_EXIST;
            t = consume(true);
        }
        if (t.tok() != Tok.IDENTIFIER) {
            throw error("found '" + t.literal() + "', expected: identifier");
        }
        String key = t.literal();
        List<String> keyErrs = LabelValidation.qualifiedName(key);
        if (!keyErrs.isEmpty()) {
            throw error(LabelValidation.invalid(null, key, String.join("; ", keyErrs)));
        }
        Tok after = lookahead(true).tok();
        if (op == null && (after == Tok.END || after == Tok.COMMA)) {
            op = Operator.EXISTS;
        }
        if (op != null) {
            return LabelRequirement.of(key, op, List.of());
        }
        Item o = consume(false);
        op = switch (o.tok()) {
            case IN -> Operator.IN;
            case NOT_IN -> Operator.NOT_IN;
            case EQUALS -> Operator.EQUALS;
            case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
            case NOT_EQUALS -> Operator.NOT_EQUALS;
            case GREATER_THAN -> Operator.GREATER_THAN;
            case LESS_THAN -> Operator.LESS_THAN;
            default -> throw error("found '" + o.literal() + "', expected: " + BINARY_OPERATORS);
        };
        List<String> values = op == Operator.IN || op == Operator.NOT_IN ? setValues() : exactValue();
        return LabelRequirement.of(key, op, values);
    }

    private List<String> setValues() {
        Item t = consume(true);
        if (t.tok() != Tok.OPEN_PAR) {
            throw error("found '" + t.literal() + "' expected: '('");
        }
        Item next = lookahead(true);
        switch (next.tok()) {
            case IDENTIFIER, COMMA -> {
                List<String> s = identifiers();
                if (consume(true).tok() != Tok.CLOSED_PAR) {
                    throw error("found '" + next.literal() + "', expected: ')'");
                }
                return s;
            }
            case CLOSED_PAR -> {
                consume(true);
                return List.of("");
            }
            default -> throw error("found '" + next.literal() + "', expected: ',', ')' or identifier");
        }
    }

    private List<String> identifiers() {
        TreeSet<String> s = new TreeSet<>();
        while (true) {
            Item t = consume(true);
            switch (t.tok()) {
                case IDENTIFIER -> {
                    s.add(t.literal());
                    Item t2 = lookahead(true);
                    if (t2.tok() == Tok.CLOSED_PAR) {
                        return new ArrayList<>(s);
                    }
                    if (t2.tok() != Tok.COMMA) {
                        throw error("found '" + t2.literal() + "', expected: ',' or ')'");
                    }
                }
                case COMMA -> {
                    if (s.isEmpty()) {
                        s.add("");
                    }
                    Tok t2 = lookahead(true).tok();
                    if (t2 == Tok.CLOSED_PAR) {
                        s.add("");
                        return new ArrayList<>(s);
                    }
                    if (t2 == Tok.COMMA) {
                        consume(true);
                        s.add("");
                    }
                }
                default -> throw error("found '" + t.literal() + "', expected: ',', or identifier");
            }
        }
    }

    private List<String> exactValue() {
        Tok next = lookahead(true).tok();
        if (next == Tok.END || next == Tok.COMMA) {
            return List.of("");
        }
        Item t = consume(true);
        if (t.tok() == Tok.IDENTIFIER) {
            return List.of(t.literal());
        }
        throw error("found '" + t.literal() + "', expected: identifier");
    }

    /** In the "values" context the keywords in/notin are plain identifiers. */
    private Item lookahead(boolean values) {
        Item i = items.get(position);
        return values && (i.tok() == Tok.IN || i.tok() == Tok.NOT_IN) ? new Item(Tok.IDENTIFIER, i.literal()) : i;
    }

    private Item consume(boolean values) {
        Item i = lookahead(values);
        if (position < items.size() - 1) {
            position++;
        }
        return i;
    }

    private static SelectorSyntaxException error(String message) {
        return new SelectorSyntaxException(message);
    }

    private static boolean special(char c) {
        return "=!(),><".indexOf(c) >= 0;
    }

    private static boolean whitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static List<Item> lex(String s) {
        List<Item> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && whitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n || s.charAt(i) == 0) {
                out.add(new Item(Tok.END, ""));
                return out;
            }
            int start = i;
            if (special(s.charAt(i))) {
                // the longest run of symbols that is still an operator (every single symbol is one)
                Item last = null;
                StringBuilder buf = new StringBuilder();
                while (i < n && special(s.charAt(i))) {
                    buf.append(s.charAt(i));
                    Tok t = SYMBOLS.get(buf.toString());
                    if (t == null) {
                        break;
                    }
                    last = new Item(t, buf.toString());
                    i++;
                }
                out.add(last);
            } else {
                while (i < n && s.charAt(i) != 0 && !special(s.charAt(i)) && !whitespace(s.charAt(i))) {
                    i++;
                }
                String word = s.substring(start, i);
                out.add(new Item(word.equals("in") ? Tok.IN : word.equals("notin") ? Tok.NOT_IN : Tok.IDENTIFIER, word));
            }
        }
    }
}
