package dev.kapi.apiserver.registry;

import java.util.Map;
import java.util.function.Predicate;

/**
 * A list filter that may pin fields to one value ({@code fieldSelector=spec.nodeName=node-1}), so the registry can
 * narrow what it reads: a cluster-wide list pinned to one {@code metadata.namespace} reads only that namespace's
 * keys, and a pinned indexed field ({@code ResourceStrategy.indexedFields()}) becomes an index hint for the watch
 * cache. The filter is still applied to everything read. A filter of labels alone says so ({@link #labelsOnly}), so
 * the registry can test the labels of a stored object without decoding it.
 */
public interface FieldPinningFilter<T> extends Predicate<T> {

    /** The value every selected object's {@code field} equals (kube's {@code RequiresExactMatch}), or null. */
    String pinned(String field);

    /** The test of an object's labels when that is all the filter tests (no field selector), else null. */
    default Predicate<Map<String, String>> labelsOnly() {
        return null;
    }
}
