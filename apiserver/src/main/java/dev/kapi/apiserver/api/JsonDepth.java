package dev.kapi.apiserver.api;

import tools.jackson.databind.JsonNode;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How deeply JSON nests, and the limit a stored object keeps to. The server reads and writes JSON nested at
 * most 500 levels (Jackson's limit); an answer wraps an object in up to four more (a Table row in a watch
 * event), and {@code managedFields} mirror an object's fields four levels down. An object stored deeper than
 * {@value #MAX_STORED} levels could be written but not answered: one tenant's custom resource would break
 * {@code kubectl get} and watches of its resource for everyone. Writes past the limit are refused instead.
 */
public final class JsonDepth {

    /** The deepest nesting a stored object may have, {@code managedFields} included. */
    public static final int MAX_STORED = 490;

    private JsonDepth() {
    }

    /** The nesting depth of the JSON text {@code json} (a scalar is 0, {@code {}} and {@code []} are 1). */
    public static int of(byte[] json) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < json.length; i++) {
            byte b = json[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                max = Math.max(max, ++depth);
            } else if (b == '}' || b == ']') {
                depth--;
            }
        }
        return max;
    }

    /** The nesting depth of {@code node}, walked without recursion (a patch may have nested it deeply). */
    public static int of(JsonNode node) {
        int max = 0;
        Deque<JsonNode> nodes = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        nodes.push(node);
        depths.push(0);
        while (!nodes.isEmpty()) {
            JsonNode n = nodes.pop();
            int d = depths.pop();
            if (n.isContainer()) {
                max = Math.max(max, d + 1);
                for (JsonNode child : n) {
                    nodes.push(child);
                    depths.push(d + 1);
                }
            }
        }
        return max;
    }

    /** A 400 for an object nested {@code depth} levels, past {@link #MAX_STORED}. */
    public static StatusError tooDeep(int depth) {
        return StatusError.badRequest("the object is nested " + depth + " levels deep (with its managedFields), "
                + "more than the " + MAX_STORED + " levels the server stores");
    }
}
