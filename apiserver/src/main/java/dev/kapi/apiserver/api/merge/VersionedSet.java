package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.fieldpath.FieldSet;

/**
 * The fields one manager owns, at the API version it wrote them in, and whether it owns them by applying
 * (smd's {@code fieldpath.VersionedSet}).
 */
public record VersionedSet(FieldSet set, String apiVersion, boolean applied) {
}
