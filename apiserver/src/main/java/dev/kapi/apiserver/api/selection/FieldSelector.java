package dev.kapi.apiserver.api.selection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A field selector (apimachinery's {@code fields.Selector}): {@code f=v}, {@code f==v}, {@code f!=v} terms
 * ANDed by commas; in values, {@code \\}, {@code \,} and {@code \=} escape those characters. As in kube no
 * whitespace is trimmed. Which fields a resource supports is checked with {@link #validateFields}.
 */
public final class FieldSelector {

    private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    private final List<FieldRequirement> requirements;

    private FieldSelector(List<FieldRequirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    public static FieldSelector everything() {
        return EVERYTHING;
    }

    /**
     * Parses a field selector; null or empty is {@link #everything()}. Throws
     * {@link SelectorSyntaxException} (400) with kube's message for a term without an operator or a bad escape.
     */
    public static FieldSelector parse(String selector) {
        if (selector == null || selector.isEmpty()) {
            return EVERYTHING;
        }
        List<String> terms = splitTerms(selector);
        Collections.sort(terms);
        List<FieldRequirement> out = new ArrayList<>();
        for (String term : terms) {
            if (term.isEmpty()) {
                continue;
            }
            FieldRequirement r = splitTerm(term);
            if (r == null) {
                throw new SelectorSyntaxException("invalid selector: '" + selector + "'; can't understand '" + term + "'");
            }
            out.add(r);
        }
        return new FieldSelector(out);
    }

    private static List<String> splitTerms(String s) {
        List<String> terms = new ArrayList<>();
        int start = 0;
        boolean inSlash = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inSlash) {
                inSlash = false;
            } else if (c == '\\') {
                inSlash = true;
            } else if (c == ',') {
                terms.add(s.substring(start, i));
                start = i + 1;
            }
        }
        terms.add(s.substring(start));
        return terms;
    }

    /** Splits at the first operator ("!=" and "==" win over "="); null if the term has none. */
    private static FieldRequirement splitTerm(String term) {
        for (int i = 0; i < term.length(); i++) {
            String rest = term.substring(i);
            String lhs = term.substring(0, i);
            if (rest.startsWith("!=")) {
                return new FieldRequirement(lhs, false, unescapeValue(rest.substring(2)));
            }
            if (rest.startsWith("==")) {
                return new FieldRequirement(lhs, true, unescapeValue(rest.substring(2)));
            }
            if (rest.startsWith("=")) {
                return new FieldRequirement(lhs, true, unescapeValue(rest.substring(1)));
            }
        }
        return null;
    }

    /** Kube's {@code fields.UnescapeValue}. */
    static String unescapeValue(String s) {
        StringBuilder v = new StringBuilder(s.length());
        boolean inSlash = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inSlash) {
                if (c != '\\' && c != ',' && c != '=') {
                    throw new SelectorSyntaxException("invalid field selector: invalid escape sequence: \\" + c);
                }
                v.append(c);
                inSlash = false;
            } else if (c == '\\') {
                inSlash = true;
            } else if (c == ',' || c == '=') {
                throw new SelectorSyntaxException("invalid field selector: unescaped character in value: " + c);
            } else {
                v.append(c);
            }
        }
        if (inSlash) {
            throw new SelectorSyntaxException("invalid field selector: invalid escape sequence: \\");
        }
        return v.toString();
    }

    /** Kube's {@code fields.EscapeValue}. */
    static String escapeValue(String s) {
        return s.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
    }

    /** Whether an object with these field values (missing = "") is selected. */
    public boolean matches(Map<String, String> fields) {
        for (FieldRequirement r : requirements) {
            if (!r.matches(fields)) {
                return false;
            }
        }
        return true;
    }

    public List<FieldRequirement> requirements() {
        return requirements;
    }

    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    /**
     * The value this selector requires {@code field} to equal ({@code fields.Selector.RequiresExactMatch}),
     * or null; e.g. {@code exactMatch("metadata.name")} for a get-by-name list or watch.
     */
    public String exactMatch(String field) {
        for (FieldRequirement r : requirements) {
            if (r.equals() && r.field().equals(field)) {
                return r.value();
            }
        }
        return null;
    }

    /**
     * Throws 400 BadRequest {@code field label not supported: <field>} for the first term on a field not in
     * {@code supported}, as kube's field label conversion does. {@code resourceKind} names the resource for
     * callers' logs; kube's message does not include it.
     */
    public void validateFields(Set<String> supported, String resourceKind) {
        for (FieldRequirement r : requirements) {
            if (!supported.contains(r.field())) {
                throw new SelectorSyntaxException("field label not supported: " + r.field());
            }
        }
    }

    /** Kube's canonical form: terms sorted, joined by commas, values escaped. */
    @Override
    public String toString() {
        return String.join(",", requirements.stream().map(FieldRequirement::toString).toList());
    }
}
