package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.fieldpath.FieldSet;
import dev.kapi.apiserver.api.fieldpath.PathElement;
import dev.kapi.apiserver.api.schema.Schema;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Brings a manager's fields up to a schema that made a granular list or map atomic (smd's {@code
 * ReconcileFieldSetWithSchema}): fields owned inside what is now atomic become ownership of the atomic value as
 * a whole. Fields the schema no longer has are left alone.
 */
final class SchemaReconcile {

    private SchemaReconcile() {
    }

    /** {@code set} reconciled with {@code schema}: the same instance when nothing changed. */
    static FieldSet of(FieldSet set, Schema schema) {
        if (set.children().isEmpty() || Types.deduced(schema)) {
            return set;
        }
        boolean list = "array".equals(schema.type());
        if (!"object".equals(schema.type()) && !list) {
            return set;
        }
        boolean changed = false;
        TreeSet<PathElement> members = new TreeSet<>(set.members());
        Map<PathElement, FieldSet> children = new TreeMap<>();
        for (Map.Entry<PathElement, FieldSet> e : set.children().entrySet()) {
            PathElement pe = e.getKey();
            Schema child = list ? Types.items(schema)
                    : pe instanceof PathElement.Field f && Types.knows(schema, f.name()) ? Types.field(schema, f.name())
                    : null;
            if (child == null) {
                children.put(pe, e.getValue());
            } else if (atomic(child)) {
                members.add(pe);
                changed = true;
            } else {
                FieldSet reconciled = of(e.getValue(), child);
                changed |= reconciled != e.getValue();
                children.put(pe, reconciled);
            }
        }
        return changed ? FieldSet.of(members, children) : set;
    }

    private static boolean atomic(Schema s) {
        if (Types.deduced(s)) {
            return false;
        }
        if ("array".equals(s.type())) {
            return Types.listKeys(s) == null;
        }
        return "object".equals(s.type()) && Types.atomicMap(s);
    }
}
