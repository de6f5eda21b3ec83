package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.fieldpath.FieldSet;
import dev.kapi.apiserver.api.fieldpath.PathElement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An apply refused because it would change fields other managers own (smd's {@code merge.Conflicts}): one
 * {@link Conflict} per field and manager, ordered by manager and then path. The message is smd's.
 */
public final class Conflicts extends RuntimeException {

    /** One field another manager owns, and that manager. */
    public record Conflict(String manager, List<PathElement> path) {
        /** The path in smd's notation: {@code .spec.replicas}. */
        public String pathString() {
            return FieldSet.pathString(path);
        }
    }

    private final List<Conflict> conflicts;

    Conflicts(List<Conflict> conflicts) {
        super(message(conflicts), null, false, false);
        this.conflicts = List.copyOf(conflicts);
    }

    /** The conflicts of each manager's set of conflicting fields. */
    static Conflicts of(Map<String, FieldSet> byManager) {
        List<Conflict> all = new ArrayList<>();
        new TreeMap<>(byManager).forEach((manager, set) -> set.forEachPath(p -> all.add(new Conflict(manager, p))));
        return new Conflicts(all);
    }

    public List<Conflict> conflicts() {
        return conflicts;
    }

    /** These conflicts without the ones on paths in {@code allowed}. */
    public List<Conflict> without(FieldSet allowed) {
        return conflicts.stream().filter(c -> !allowed.has(c.path())).toList();
    }

    private static String message(List<Conflict> conflicts) {
        if (conflicts.size() == 1) {
            return "conflict with \"" + conflicts.get(0).manager() + "\": " + conflicts.get(0).pathString();
        }
        StringBuilder b = new StringBuilder();
        String manager = null;
        for (Conflict c : conflicts) {
            if (!c.manager().equals(manager)) {
                manager = c.manager();
                b.append(b.isEmpty() ? "" : "\n").append("conflicts with \"").append(manager).append("\":");
            }
            b.append("\n- ").append(c.pathString());
        }
        return b.toString();
    }
}
