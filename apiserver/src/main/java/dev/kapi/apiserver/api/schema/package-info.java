/**
 * The structural schema of a resource: one model of what its JSON may hold (types, properties, list and
 * map semantics, patch strategies, unknown-field handling), after kube's apiextensions structural schemas.
 * Unknown-field detection, strategic merge patch and OpenAPI generation read it; where it comes from
 * (reflection over the built-in types, a CRD's openAPIV3Schema) is the source's business, not theirs.
 */
package dev.kapi.apiserver.api.schema;
