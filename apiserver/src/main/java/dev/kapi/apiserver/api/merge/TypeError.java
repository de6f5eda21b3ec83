package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.fieldpath.FieldSet;
import dev.kapi.apiserver.api.fieldpath.PathElement;

import java.util.List;

/**
 * A value that does not fit its schema (smd's {@code ValidationErrors}): a field not declared, a map where a
 * list belongs, a duplicate or keyless element of a keyed list. The message starts with the path, as smd's
 * does: {@code .spec.containers: duplicate entries for key [name="a"]}.
 */
public final class TypeError extends RuntimeException {

    TypeError(List<PathElement> path, String message) {
        super((path.isEmpty() ? "" : FieldSet.pathString(path) + ": ") + message);
    }
}
