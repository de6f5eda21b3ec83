package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.fieldpath.PathElement;
import dev.kapi.apiserver.api.schema.Schema;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The identity of a list element (smd's {@code listItemToPathElement}): in a map-typed list, the values of its key
 * fields (a missing key field takes its schema default; an element with no key field at all has no identity); in
 * a set, the scalar itself.
 */
final class ListItems {

    private ListItems() {
    }

    /** The element's path element; an {@link IllegalArgumentException} says why it has none. */
    static PathElement pathElement(Schema list, List<String> keys, JsonNode item) {
        if (!keys.isEmpty()) {
            if (item.isNull()) {
                throw new IllegalArgumentException("associative list with keys may not have a null element");
            }
            if (!item.isObject()) {
                throw new IllegalArgumentException("associative list with keys may not have non-map elements");
            }
            Schema element = Types.items(list);
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            for (String k : keys) {
                JsonNode v = item.get(k);
                if (v == null && element != null && element.field(k) != null) {
                    v = element.field(k).defaultValue();
                }
                if (v != null) {
                    fields.add(Map.entry(k, v));
                }
            }
            if (fields.isEmpty()) {
                throw new IllegalArgumentException("associative list with keys has an element that omits all key "
                        + "fields " + keys + " (and doesn't have default values for any key fields)");
            }
            return new PathElement.Key(fields);
        }
        if (item.isObject()) {
            throw new IllegalArgumentException("associative list without keys has an element that's a map type");
        }
        if (item.isArray()) {
            throw new IllegalArgumentException("not supported: associative list with lists as elements");
        }
        if (item.isNull()) {
            throw new IllegalArgumentException("associative list without keys has an element that's an explicit null");
        }
        return new PathElement.Value(item);
    }

    /** The element's path element, or null when it has none (lenient walks skip such elements, as smd does). */
    static PathElement orNull(Schema list, List<String> keys, JsonNode item) {
        try {
            return pathElement(list, keys, item);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
