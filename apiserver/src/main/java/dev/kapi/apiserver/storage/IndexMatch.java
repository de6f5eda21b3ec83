package dev.kapi.apiserver.storage;

/**
 * A hint on a {@link ListOptions list}: only entries whose indexed {@code field} equals {@code value} are
 * wanted, e.g. {@code new IndexMatch("spec.nodeName", "node-1")} for the pods of one node. A storage MAY
 * answer only the matching entries (the watch cache does when it has an indexer for the field) or ignore
 * the hint and answer every entry (the backends do), so callers still filter what they get.
 */
public record IndexMatch(String field, String value) {

    public IndexMatch {
        if (field == null || field.isEmpty() || value == null) {
            throw new IllegalArgumentException("an index match needs a field and a value");
        }
    }
}
