package dev.kapi.apiserver.api.selection;

import java.util.Map;

/** One term of a field selector: {@code field=value} ({@code equals}) or {@code field!=value}. */
public record FieldRequirement(String field, boolean equals, String value) {

    /** Missing fields read as "", as in kube's {@code fields.Set.Get}. */
    public boolean matches(Map<String, String> fields) {
        String v = fields == null ? null : fields.get(field);
        return (v == null ? "" : v).equals(value) == equals;
    }

    /** Kube's canonical text, the value escaped. */
    @Override
    public String toString() {
        return field + (equals ? "=" : "!=") + FieldSelector.escapeValue(value);
    }
}
