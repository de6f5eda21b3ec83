package dev.kapi.apiserver.registry.apiextensions;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The JSONPath of printer columns and scale paths, as far as CRDs use kube's {@code jsonpath}: fields
 * ({@code .spec.replicas}, {@code ['a.b']}), indexes ({@code [0]}, {@code [-1]}), all elements ({@code [*]})
 * and filters on a field ({@code [?(@.type=="Ready")]}, {@code !=}). A <em>simple</em> path has fields only.
 *
 * <pre>{@code
 * JsonPath.compile(".status.conditions[?(@.type==\"Ready\")].status").find(object) // ["True"]
 * }</pre>
 */
final class JsonPath {

    private sealed interface Step permits Field, Index, All, Filter {
    }

    private record Field(String name) implements Step {
    }

    private record Index(int index) implements Step {
    }

    private record All() implements Step {
    }

    private record Filter(List<String> path, boolean equal, String value) implements Step {
    }

    private final List<Step> steps;

    private JsonPath(List<Step> steps) {
        this.steps = steps;
    }

    /** The parsed path; throws IllegalArgumentException with the reason when it is not one. */
    static JsonPath compile(String path) {
        return new JsonPath(new Parser(path).steps());
    }

    /** Why {@code path} is not a JSONPath kube accepts, or null when it is. */
    static String problem(String path) {
        try {
            compile(path);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** A path of fields only, starting with a dot ({@code .spec.replicas}). */
    static boolean isSimple(String path) {
        try {
            return path.startsWith(".") && compile(path).steps.stream().allMatch(s -> s instanceof Field);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The field names of a simple path ({@code .spec.replicas} → spec, replicas). */
    List<String> fields() {
        return steps.stream().map(s -> ((Field) s).name()).toList();
    }

    /** The values the path reaches in {@code root}, in document order (empty when none). */
    List<JsonNode> find(JsonNode root) {
        List<JsonNode> current = List.of(root);
        for (Step step : steps) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode n : current) {
                apply(step, n, next);
            }
            current = next;
        }
        return current;
    }

    private static void apply(Step step, JsonNode n, List<JsonNode> out) {
        switch (step) {
            case Field f -> {
                JsonNode v = n.isObject() ? n.get(f.name()) : null;
                if (v != null && !v.isNull()) {
                    out.add(v);
                }
            }
            case Index i -> {
                if (n.isArray()) {
                    int at = i.index() < 0 ? n.size() + i.index() : i.index();
                    if (at >= 0 && at < n.size()) {
                        out.add(n.get(at));
                    }
                }
            }
            case All a -> {
                if (n.isArray() || n.isObject()) {
                    n.values().forEach(out::add);
                }
            }
            case Filter f -> {
                if (n.isArray()) {
                    for (JsonNode item : n.values()) {
                        JsonNode v = item;
                        for (String name : f.path()) {
                            v = v == null || !v.isObject() ? null : v.get(name);
                        }
                        boolean eq = v != null && v.isValueNode() && v.asString().equals(f.value());
                        if (eq == f.equal()) {
                            out.add(item);
                        }
                    }
                }
            }
        }
    }

    /** A small recursive-descent reader of the path text. */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s.startsWith("{") && s.endsWith("}") ? s.substring(1, s.length() - 1) : s;
        }

        List<Step> steps() {
            List<Step> steps = new ArrayList<>();
            if (s.isEmpty()) {
                throw new IllegalArgumentException("must not be empty");
            }
            if (s.charAt(0) != '.' && s.charAt(0) != '[') {
                throw new IllegalArgumentException("must be a json path starting with . or [");
            }
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '.') {
                    i++;
                    int start = i;
                    while (i < s.length() && s.charAt(i) != '.' && s.charAt(i) != '[') {
                        i++;
                    }
                    if (start == i) {
                        if (steps.isEmpty() && i == s.length()) {
                            return steps; // "." is the object itself
                        }
                        throw new IllegalArgumentException("unexpected '.' at " + (start - 1));
                    }
                    steps.add(new Field(s.substring(start, i)));
                } else if (c == '[') {
                    steps.add(bracket());
                } else {
                    throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
                }
            }
            return steps;
        }

        private Step bracket() {
            int close = s.indexOf(']', i);
            if (close < 0) {
                throw new IllegalArgumentException("unterminated array");
            }
            String inner = s.substring(i + 1, close).trim();
            i = close + 1;
            if (inner.equals("*")) {
                return new All();
            }
            if ((inner.startsWith("'") && inner.endsWith("'") || inner.startsWith("\"") && inner.endsWith("\""))
                    && inner.length() >= 2) {
                return new Field(inner.substring(1, inner.length() - 1));
            }
            if (inner.startsWith("?(") && inner.endsWith(")")) {
                return filter(inner.substring(2, inner.length() - 1).trim());
            }
            try {
                return new Index(Integer.parseInt(inner));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid array index " + inner);
            }
        }

        private static Step filter(String expr) {
            int op = expr.indexOf("==");
            boolean equal = op >= 0;
            if (op < 0) {
                op = expr.indexOf("!=");
            }
            if (op < 0 || !expr.startsWith("@.")) {
                throw new IllegalArgumentException("unsupported filter " + expr);
            }
            List<String> path = List.of(expr.substring(2, op).trim().split("\\."));
            String value = expr.substring(op + 2).trim();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            return new Filter(path, equal, value);
        }
    }
}
