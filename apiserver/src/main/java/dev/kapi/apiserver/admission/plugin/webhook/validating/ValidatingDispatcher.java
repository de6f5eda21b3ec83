package dev.kapi.apiserver.admission.plugin.webhook.validating;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.plugin.matching.Invocation;
import dev.kapi.apiserver.admission.plugin.webhook.errors.CallingWebhook;
import dev.kapi.apiserver.admission.plugin.webhook.errors.WebhookErrors;
import dev.kapi.apiserver.admission.plugin.webhook.generic.Hook;
import dev.kapi.apiserver.admission.plugin.webhook.generic.VersionedAttributes;
import dev.kapi.apiserver.admission.plugin.webhook.generic.WebhookMetrics;
import dev.kapi.apiserver.admission.plugin.webhook.generic.Webhooks;
import dev.kapi.apiserver.admission.plugin.webhook.request.AdmissionResponse;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.RequestDeadline;
import dev.kapi.apiserver.api.StatusError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Calls the validating webhooks that match a request, all at once (kube's validating dispatcher): every webhook
 * is matched first, without network, and the request fails at once if matching does; then each matching webhook
 * is called on a virtual thread of its own and the request waits for all of them. The first failure to arrive
 * wins: a denial ({@code admission webhook "x" denied the request: ...}), a dry run refused, or, for a webhook
 * that could not be called under failurePolicy Fail, the 500 {@code failed calling webhook "x": ...}. A failure
 * under Ignore is logged and noted as the audit annotation
 * {@code failed-open.validating.webhook.admission.k8s.io/round_0_index_<i>}.
 */
final class ValidatingDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ValidatingDispatcher.class);
    static final String FAILED_OPEN_PREFIX = "failed-open.validating.webhook.admission.k8s.io/round_0_index_";

    /** A matching webhook to call, with its place among them (kube's index in the failed-open annotation). */
    private record Call(int index, Hook hook, VersionedAttributes request) {
    }

    private final Webhooks webhooks;

    ValidatingDispatcher(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    void dispatch(AdmissionAttributes a, List<Hook> hooks) {
        Map<GroupVersionResource, VersionedAttributes> byVersion = new HashMap<>();
        List<Call> calls = new ArrayList<>();
        for (Hook hook : hooks) {
            Optional<Invocation> invocation = webhooks.matcher().match(hook, a, inv -> versioned(a, inv, byVersion));
            if (invocation.isPresent()) {
                calls.add(new Call(calls.size(), hook, versioned(a, invocation.get(), byVersion)));
            }
        }
        if (calls.isEmpty()) {
            return;
        }
        Queue<StatusError> failures = new ConcurrentLinkedQueue<>();
        if (calls.size() == 1) {
            call(calls.getFirst(), failures);
        } else {
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Call c : calls) {
                    threads.execute(RequestDeadline.propagated(() -> call(c, failures)));
                }
            }
        }
        StatusError first = failures.peek();
        if (first != null) {
            throw first;
        }
    }

    private VersionedAttributes versioned(AdmissionAttributes a, Invocation inv,
                                          Map<GroupVersionResource, VersionedAttributes> byVersion) {
        return byVersion.computeIfAbsent(inv.resource(),
                r -> VersionedAttributes.of(a, inv, webhooks.versions())).withInvocation(inv);
    }

    private void call(Call c, Queue<StatusError> failures) {
        Hook hook = c.hook();
        String operation = c.request().request().operation().name();
        long start = System.nanoTime();
        try {
            AdmissionResponse response = webhooks.caller().call(hook, c.request(), false);
            if (!response.allowed()) {
                StatusError denied = WebhookErrors.denied(hook.name(), response.result());
                LOG.debug("rejected by webhook {}: {}", hook.name(), denied.getMessage());
                observe(hook, operation, start, WebhookMetrics.Outcome.DENIED, denied.code());
                failures.add(denied);
            } else {
                observe(hook, operation, start, WebhookMetrics.Outcome.ALLOWED, 200);
            }
        } catch (CallingWebhook e) {
            observe(hook, operation, start, WebhookMetrics.Outcome.NOT_CALLED, WebhookMetrics.failureCode(e, false));
            failed(c, e.getMessage(), e.toStatus(), failures);
        } catch (StatusError e) {
            observe(hook, operation, start, WebhookMetrics.Outcome.INTERNAL, 0);
            failures.add(e);
        } catch (RuntimeException e) {
            observe(hook, operation, start, WebhookMetrics.Outcome.CRASHED, 0);
            LOG.warn("webhook {} failed unexpectedly", hook.name(), e);
            failed(c, e.toString(), StatusError.internal("ValidatingAdmissionWebhook/" + hook.name()
                    + " has panicked: " + e), failures);
        }
    }

    private void observe(Hook hook, String operation, long start, WebhookMetrics.Outcome outcome, int code) {
        WebhookMetrics.observe(webhooks.metrics(), hook, "validating", operation, start, outcome, code);
    }

    private static void failed(Call c, String why, StatusError error, Queue<StatusError> failures) {
        Hook hook = c.hook();
        if (hook.ignoresFailures()) {
            LOG.warn("Failed calling webhook, failing open {}: {}", hook.name(), why);
            c.request().request().recorder().annotate(FAILED_OPEN_PREFIX + c.index(), hook.name());
            return;
        }
        LOG.warn("Failed calling webhook, failing closed {}: {}", hook.name(), why);
        failures.add(error);
    }
}
