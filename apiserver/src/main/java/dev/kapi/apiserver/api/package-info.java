/**
 * Shared API vocabulary used by every stage: {@link dev.kapi.apiserver.api.StatusError} (every error a
 * client sees, as a Kubernetes {@code Status}), field errors, group/resource names and the JSON mapper.
 * It is not a stage and imports none.
 */
package dev.kapi.apiserver.api;
