/**
 * Audit logging as kube-apiserver does it ({@code --audit-policy-file}, {@code --audit-log-path}): a
 * {@link dev.kapi.apiserver.audit.Policy} decides per request at which {@link dev.kapi.apiserver.audit.Level} it
 * is recorded; the {@link dev.kapi.apiserver.audit.AuditFilter}, right after authentication, builds one
 * {@link dev.kapi.apiserver.audit.AuditEvent} per request and hands it to the
 * {@link dev.kapi.apiserver.audit.AuditSink} at each stage (RequestReceived, ResponseStarted for long-running
 * requests, ResponseComplete or Panic). Later stages add to the request's {@link dev.kapi.apiserver.audit.AuditContext}:
 * authorization its decision, impersonation the impersonated user, admission its annotations, the handlers the
 * request and response objects (kept only at the Request and RequestResponse levels).
 *
 * <p>This stage sits between authentication and authorization: it imports the request info and the user, never
 * authorization, admission, the handlers or storage.
 */
package dev.kapi.apiserver.audit;
