package dev.kapi.apiserver.api.fieldpath;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * An immutable set of field paths (smd's {@code fieldpath.Set}), kept as a tree: the path elements that are
 * members here, and for each element with longer paths below it, the set of those paths' rests. A path may be a
 * member and also have children (a list element owned as a whole and some of its fields). The empty set is
 * {@link #empty()}; build others with {@link #builder()} or from FieldsV1 ({@link FieldsV1#toSet}).
 */
public final class FieldSet {

    private static final FieldSet EMPTY = new FieldSet(new TreeSet<>(), new TreeMap<>());

    private final NavigableSet<PathElement> members;
    private final NavigableMap<PathElement, FieldSet> children;

    private FieldSet(NavigableSet<PathElement> members, NavigableMap<PathElement, FieldSet> children) {
        this.members = members;
        this.children = children;
    }

    public static FieldSet empty() {
        return EMPTY;
    }

    /** The set of these paths. */
    public static FieldSet of(List<List<PathElement>> paths) {
        Builder b = builder();
        paths.forEach(b::insert);
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The elements that are members (whole paths of one element) here, in order. */
    public NavigableSet<PathElement> members() {
        return Collections.unmodifiableNavigableSet(members);
    }

    /** The sets below each element that has longer paths, in order; never an empty set. */
    public NavigableMap<PathElement, FieldSet> children() {
        return Collections.unmodifiableNavigableMap(children);
    }

    public boolean isEmpty() {
        return members.isEmpty() && children.isEmpty();
    }

    /** Whether {@code path} is in the set. The empty path never is. */
    public boolean has(List<PathElement> path) {
        FieldSet s = this;
        for (int i = 0; i < path.size() - 1; i++) {
            s = s.children.get(path.get(i));
            if (s == null) {
                return false;
            }
        }
        return !path.isEmpty() && s.members.contains(path.get(path.size() - 1));
    }

    /** The rests of the paths that start with {@code pe} (empty if none). */
    public FieldSet withPrefix(PathElement pe) {
        FieldSet s = children.get(pe);
        return s == null ? EMPTY : s;
    }

    public FieldSet union(FieldSet o) {
        if (o.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return o;
        }
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.addAll(o.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>(children);
        o.children.forEach((pe, s) -> c.merge(pe, s, FieldSet::union));
        return new FieldSet(m, c);
    }

    public FieldSet intersection(FieldSet o) {
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.retainAll(o.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>();
        children.forEach((pe, s) -> {
            FieldSet s2 = o.children.get(pe);
            if (s2 != null) {
                putIfNotEmpty(c, pe, s.intersection(s2));
            }
        });
        return of(m, c);
    }

    /** The paths of this set that are not in {@code o} (a member of {@code o} removes only itself). */
    public FieldSet difference(FieldSet o) {
        if (o.isEmpty() || isEmpty()) {
            return this;
        }
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.removeAll(o.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>();
        children.forEach((pe, s) -> {
            FieldSet s2 = o.children.get(pe);
            putIfNotEmpty(c, pe, s2 == null ? s : s.difference(s2));
        });
        return of(m, c);
    }

    /** The paths of this set that are neither in {@code o} nor below a member of {@code o}. */
    public FieldSet recursiveDifference(FieldSet o) {
        if (o.isEmpty() || isEmpty()) {
            return this;
        }
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.removeAll(o.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>();
        children.forEach((pe, s) -> {
            if (o.members.contains(pe)) {
                return;
            }
            FieldSet s2 = o.children.get(pe);
            putIfNotEmpty(c, pe, s2 == null ? s : s.recursiveDifference(s2));
        });
        return of(m, c);
    }

    /** Every path, in smd's order: this level's members, then each child's paths. */
    public void forEachPath(Consumer<List<PathElement>> action) {
        forEachPath(new ArrayList<>(), action);
    }

    private void forEachPath(List<PathElement> prefix, Consumer<List<PathElement>> action) {
        for (PathElement pe : members) {
            List<PathElement> p = new ArrayList<>(prefix);
            p.add(pe);
            action.accept(List.copyOf(p));
        }
        children.forEach((pe, s) -> {
            prefix.add(pe);
            s.forEachPath(prefix, action);
            prefix.remove(prefix.size() - 1);
        });
    }

    /** A set of these members and children (empty children are dropped). */
    public static FieldSet of(NavigableSet<PathElement> members, Map<PathElement, FieldSet> children) {
        TreeMap<PathElement, FieldSet> c = new TreeMap<>();
        children.forEach((pe, s) -> putIfNotEmpty(c, pe, s));
        if (members.isEmpty() && c.isEmpty()) {
            return EMPTY;
        }
        return new FieldSet(new TreeSet<>(members), c);
    }

    private static void putIfNotEmpty(Map<PathElement, FieldSet> c, PathElement pe, FieldSet s) {
        if (!s.isEmpty()) {
            c.put(pe, s);
        }
    }

    /** smd's path notation, one path per line. */
    public static String pathString(List<PathElement> path) {
        StringBuilder b = new StringBuilder();
        path.forEach(b::append);
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSet s && members.equals(s.members) && children.equals(s.children);
    }

    @Override
    public int hashCode() {
        return Objects.hash(members.size(), children.keySet().size());
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        forEachPath(p -> b.append(pathString(p)).append('\n'));
        return b.toString();
    }

    /** Collects paths into a set; not thread-safe, used once. */
    public static final class Builder {
        private final TreeSet<PathElement> members = new TreeSet<>();
        private final TreeMap<PathElement, Builder> children = new TreeMap<>();

        /** Adds {@code path}; the empty path adds nothing. */
        public Builder insert(List<PathElement> path) {
            Builder b = this;
            for (int i = 0; i < path.size() - 1; i++) {
                b = b.children.computeIfAbsent(path.get(i), pe -> new Builder());
            }
            if (!path.isEmpty()) {
                b.members.add(path.get(path.size() - 1));
            }
            return this;
        }

        /** The builder of the paths below {@code pe}. */
        public Builder child(PathElement pe) {
            return children.computeIfAbsent(pe, k -> new Builder());
        }

        public Builder member(PathElement pe) {
            members.add(pe);
            return this;
        }

        public FieldSet build() {
            TreeMap<PathElement, FieldSet> c = new TreeMap<>();
            children.forEach((pe, b) -> putIfNotEmpty(c, pe, b.build()));
            if (members.isEmpty() && c.isEmpty()) {
                return EMPTY;
            }
            return new FieldSet(new TreeSet<>(members), c);
        }
    }
}
