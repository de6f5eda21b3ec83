/**
 * The structural-schema engine of CustomResourceDefinitions, after kube's apiextensions-apiserver: the CRD-time
 * check of an openAPIV3Schema ({@link dev.kapi.apiserver.registry.apiextensions.schema.StructuralSchemaCheck}),
 * its {@link dev.kapi.apiserver.api.schema.Schema} ({@link dev.kapi.apiserver.registry.apiextensions.schema.CustomSchemas}),
 * and what runs on every write of a custom object: defaulting, pruning and validation. A pure library over
 * Jackson trees in the JSONSchemaProps wire form; it knows nothing of HTTP or storage.
 */
package dev.kapi.apiserver.registry.apiextensions.schema;
