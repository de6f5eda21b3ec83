/**
 * {@code metadata.managedFields}, as kube-apiserver keeps them (apimachinery's {@code managedfields/internal}):
 * the {@link dev.kapi.apiserver.registry.fieldmanager.FieldManager} the write pipeline calls on every create and
 * update, and that a server-side apply patch goes through; managers named as kube names them (manager,
 * operation, API version, subresource), meta fields never owned, at most ten update managers kept, the
 * client-side apply annotation honoured for kubectl's move to server-side apply. The merge itself is
 * {@code api/merge}'s; the schema is the resource's, the same one OpenAPI serves.
 */
package dev.kapi.apiserver.registry.fieldmanager;
