/**
 * Sets of field paths, as structured-merge-diff's {@code fieldpath} package has them: a {@link
 * dev.kapi.apiserver.api.fieldpath.PathElement} names one step into a value (a field, a keyed list element, a
 * set element, an index), a {@link dev.kapi.apiserver.api.fieldpath.FieldSet} is an immutable tree of paths,
 * and {@link dev.kapi.apiserver.api.fieldpath.FieldsV1} is its wire form in {@code metadata.managedFields}
 * ({@code {"f:spec":{"f:replicas":{}}}}). No schema here: what a path means is the {@code merge} package's.
 */
package dev.kapi.apiserver.api.fieldpath;
