/**
 * Calling webhooks over HTTPS, shared by every stage that does (admission webhooks, CRD conversion): the pooled
 * {@link dev.kapi.apiserver.webhook.WebhookClient}, how a server is verified, and how service references
 * resolve. Like {@code api} and {@code cel} it is not a stage: it imports only {@code api}.
 */
package dev.kapi.apiserver.webhook;
