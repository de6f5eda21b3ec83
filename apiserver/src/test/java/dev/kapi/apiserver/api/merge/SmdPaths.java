package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.fieldpath.FieldSet;
import dev.kapi.apiserver.api.fieldpath.FieldsV1;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Field paths written the way structured-merge-diff prints them ({@code fieldpath.Path.String()}):
 * {@code .spec.replicas}, {@code .list[name="a",port=80].value}, {@code .set[="x"]}, {@code .list[0]}, made
 * into the FieldsV1 JSON kube stores ({@code f:spec}, {@code k:{"name":"a","port":80}}, {@code v:"x"},
 * {@code i:0}) and so into a {@link FieldSet}. Key and value literals are JSON, as smd prints them. Field
 * names run to the next {@code .} or {@code [}: a name holding either needs FieldsV1 JSON instead.
 */
final class SmdPaths {

    private SmdPaths() {
    }

    /** The set whose members are exactly {@code paths}. */
    static FieldSet set(List<String> paths) {
        return FieldsV1.toSet(fieldsV1(paths));
    }

    /** The FieldsV1 JSON of the set whose members are exactly {@code paths}. */
    static ObjectNode fieldsV1(List<String> paths) {
        Node root = new Node();
        for (String path : paths) {
            Node n = root;
            for (String key : elements(path)) {
                n = n.children.computeIfAbsent(key, k -> new Node());
            }
            n.member = true;
        }
        return root.toJson();
    }

    /** The FieldsV1 keys of one path's elements, in order. */
    static List<String> elements(String path) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                out.add("f:" + path.substring(i + 1, end));
                i = end;
            } else if (c == '[') {
                i = bracket(path, i + 1, out);
            } else {
                throw new IllegalArgumentException("bad path " + path + " at " + i);
            }
        }
        return out;
    }

    /** Reads one bracketed element starting after its '['; returns the index after its ']'. */
    private static int bracket(String path, int i, List<String> out) {
        if (path.charAt(i) == '=') {
            int end = literalEnd(path, i + 1);
            out.add("v:" + compact(path.substring(i + 1, end)));
            return expect(path, end, ']');
        }
        int close = path.indexOf(']', i);
        String inner = close < 0 ? "" : path.substring(i, close);
        if (!inner.isEmpty() && inner.chars().allMatch(Character::isDigit)) {
            out.add("i:" + inner);
            return close + 1;
        }
        Map<String, JsonNode> key = new TreeMap<>();
        while (true) {
            int eq = path.indexOf('=', i);
            String name = path.substring(i, eq);
            int end = literalEnd(path, eq + 1);
            key.put(name, Json.MAPPER.readTree(path.substring(eq + 1, end)));
            if (path.charAt(end) == ']') {
                ObjectNode k = Json.MAPPER.createObjectNode();
                key.forEach(k::set);
                out.add("k:" + Json.string(k));
                return end + 1;
            }
            i = expect(path, end, ',');
        }
    }

    private static int expect(String path, int i, char c) {
        if (i >= path.length() || path.charAt(i) != c) {
            throw new IllegalArgumentException("bad path " + path + ": expected '" + c + "' at " + i);
        }
        return i + 1;
    }

    /** The index just after the JSON literal starting at {@code i}: a string, an array or object, or a bare word. */
    private static int literalEnd(String s, int i) {
        int depth = 0;
        boolean inString = false;
        for (int j = i; j < s.length(); j++) {
            char c = s.charAt(j);
            if (inString) {
                if (c == '\\') {
                    j++;
                } else if (c == '"') {
                    inString = false;
                    if (depth == 0) {
                        return j + 1;
                    }
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                if (depth == 0) {
                    return j;
                }
                depth--;
                if (depth == 0) {
                    return j + 1;
                }
            } else if (c == ',' && depth == 0) {
                return j;
            }
        }
        throw new IllegalArgumentException("unterminated literal in " + s);
    }

    private static String compact(String json) {
        return Json.string(Json.MAPPER.readTree(json));
    }

    private static final class Node {
        final Map<String, Node> children = new LinkedHashMap<>();
        boolean member;

        ObjectNode toJson() {
            ObjectNode o = Json.MAPPER.createObjectNode();
            if (member && !children.isEmpty()) {
                o.set(".", Json.MAPPER.createObjectNode());
            }
            children.forEach((k, v) -> o.set(k, v.toJson()));
            return o;
        }
    }
}
