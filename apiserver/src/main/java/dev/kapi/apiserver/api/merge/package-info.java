/**
 * Server-side apply's merge, as sigs.k8s.io/structured-merge-diff does it, over JSON trees and our {@link
 * dev.kapi.apiserver.api.schema.Schema}: what fields a value sets ({@link dev.kapi.apiserver.api.merge.ToFieldSet}),
 * how two values merge ({@link dev.kapi.apiserver.api.merge.Merge}), which fields differ ({@link
 * dev.kapi.apiserver.api.merge.Compare}), removing fields ({@link
 * dev.kapi.apiserver.api.merge.RemoveItems}), and on top of them the {@link dev.kapi.apiserver.api.merge.Updater}
 * that keeps each manager's fields through applies and updates and finds conflicts. List and map semantics
 * ({@code x-kubernetes-list-type}, {@code -list-map-keys}, {@code -map-type}, patch strategies) come from the
 * schema ({@link dev.kapi.apiserver.api.merge.Types}); a node without a type is "deduced" from the value, as smd
 * deduces untyped values. Pure: no storage, no HTTP, no Kubernetes objects.
 */
package dev.kapi.apiserver.api.merge;
