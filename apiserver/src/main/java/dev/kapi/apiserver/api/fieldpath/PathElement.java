package dev.kapi.apiserver.api.fieldpath;

import dev.kapi.apiserver.api.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One step into a value (smd's {@code fieldpath.PathElement}): a {@link Field} of a map or struct, the element
 * of a keyed list with these {@link Key} values, the element of a set with this {@link Value}, or an {@link
 * Index} (a list position, used where elements have no identity of their own). Elements are ordered as smd orders
 * them (fields, keys, values, indexes), which is the order FieldsV1 is written in.
 */
public sealed interface PathElement extends Comparable<PathElement>
        permits PathElement.Field, PathElement.Key, PathElement.Value, PathElement.Index {

    /** A named field of a map or struct: FieldsV1 {@code f:name}, printed {@code .name}. */
    record Field(String name) implements PathElement {
        @Override
        public String toString() {
            return "." + name;
        }
    }

    /**
     * The element of a list of type map whose key fields have these values, sorted by field name: FieldsV1
     * {@code k:{"name":"a","port":80}}, printed {@code [name="a",port=80]}.
     */
    record Key(List<Map.Entry<String, JsonNode>> fields) implements PathElement {
        public Key {
            List<Map.Entry<String, JsonNode>> sorted = new ArrayList<>(fields);
            sorted.sort(Map.Entry.comparingByKey());
            fields = List.copyOf(sorted);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && compareTo(k) == 0;
        }

        @Override
        public int hashCode() {
            int h = 0;
            for (Map.Entry<String, JsonNode> f : fields) {
                h = 31 * h + f.getKey().hashCode();
                h = 31 * h + JsonValues.hash(f.getValue()); // by value: items of one list must not share a bucket
            }
            return h;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < fields.size(); i++) {
                b.append(i > 0 ? "," : "").append(fields.get(i).getKey()).append('=')
                        .append(JsonValues.toString(fields.get(i).getValue()));
            }
            return b.append(']').toString();
        }
    }

    /** The element of a set (a list of scalars of type set): FieldsV1 {@code v:"x"}, printed {@code [="x"]}. */
    record Value(JsonNode value) implements PathElement {
        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && JsonValues.equal(value, v.value);
        }

        @Override
        public int hashCode() {
            return JsonValues.hash(value);
        }

        @Override
        public String toString() {
            return "[=" + JsonValues.toString(value) + "]";
        }
    }

    /** A list position: FieldsV1 {@code i:0}, printed {@code [0]}. */
    record Index(int index) implements PathElement {
        @Override
        public String toString() {
            return "[" + index + "]";
        }
    }

    /** smd's order: fields by name, then keys, values (smd value order), indexes. */
    @Override
    default int compareTo(PathElement o) {
        int c = Integer.compare(rank(this), rank(o));
        if (c != 0) {
            return c;
        }
        return switch (this) {
            case Field f -> f.name().compareTo(((Field) o).name());
            case Key k -> compareKeys(k.fields(), ((Key) o).fields());
            case Value v -> JsonValues.compare(v.value(), ((Value) o).value());
            case Index i -> Integer.compare(i.index(), ((Index) o).index());
        };
    }

    private static int rank(PathElement e) {
        return switch (e) {
            case Field f -> 0;
            case Key k -> 1;
            case Value v -> 2;
            case Index i -> 3;
        };
    }

    private static int compareKeys(List<Map.Entry<String, JsonNode>> a, List<Map.Entry<String, JsonNode>> b) {
        for (int i = 0; ; i++) {
            if (i >= a.size() || i >= b.size()) {
                return Integer.compare(a.size(), b.size());
            }
            int c = a.get(i).getKey().compareTo(b.get(i).getKey());
            if (c == 0) {
                c = JsonValues.compare(a.get(i).getValue(), b.get(i).getValue());
            }
            if (c != 0) {
                return c;
            }
        }
    }

    /** The FieldsV1 spelling of this element ({@code f:name}, {@code k:{...}}, {@code v:...}, {@code i:0}). */
    default String fieldsV1Key() {
        return switch (this) {
            case Field f -> "f:" + f.name();
            case Key k -> {
                ObjectNode o = Json.MAPPER.createObjectNode();
                k.fields().forEach(e -> o.set(e.getKey(), e.getValue()));
                yield "k:" + Json.string(o);
            }
            case Value v -> "v:" + Json.string(v.value());
            case Index i -> "i:" + i.index();
        };
    }

    /** Reads a FieldsV1 key; an {@link IllegalArgumentException} names what is wrong with it. */
    static PathElement parseFieldsV1Key(String key) {
        if (key.length() < 2 || key.charAt(1) != ':') {
            throw new IllegalArgumentException("unknown PathElementSerializationType " + key);
        }
        String rest = key.substring(2);
        switch (key.charAt(0)) {
            case 'f':
                return new Field(rest);
            case 'k': {
                JsonNode n = parse(rest, key);
                if (!n.isObject()) {
                    throw new IllegalArgumentException("key " + key + " is not a JSON object");
                }
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
                n.properties().forEach(e -> fields.add(Map.entry(e.getKey(), e.getValue())));
                return new Key(fields);
            }
            case 'v':
                return new Value(parse(rest, key));
            case 'i':
                try {
                    return new Index(Integer.parseInt(rest));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("index " + key + " is not a number");
                }
            default:
                throw new IllegalArgumentException("unknown PathElementSerializationType " + key);
        }
    }

    private static JsonNode parse(String json, String key) {
        try {
            JsonNode n = Json.MAPPER.readTree(json);
            if (n == null || n.isMissingNode()) {
                throw new IllegalArgumentException("empty value in " + key);
            }
            return n;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("parsing JSON in " + key + ": " + e.getMessage());
        }
    }

    Comparator<PathElement> ORDER = Comparator.naturalOrder();
}
