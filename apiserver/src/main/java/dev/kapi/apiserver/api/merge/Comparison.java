package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.fieldpath.FieldSet;

/** The fields one value adds, changes and removes going to another (smd's {@code typed.Comparison}). */
public record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {

    /** This comparison without the paths in {@code ignored} and below them (smd's {@code ExcludeFields}). */
    public Comparison excluding(FieldSet ignored) {
        if (ignored == null || ignored.isEmpty()) {
            return this;
        }
        return new Comparison(added.recursiveDifference(ignored), modified.recursiveDifference(ignored),
                removed.recursiveDifference(ignored));
    }
}
