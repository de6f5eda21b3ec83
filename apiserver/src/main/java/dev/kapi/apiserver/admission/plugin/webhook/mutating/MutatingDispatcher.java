package dev.kapi.apiserver.admission.plugin.webhook.mutating;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.plugin.matching.Invocation;
import dev.kapi.apiserver.admission.plugin.webhook.errors.CallingWebhook;
import dev.kapi.apiserver.admission.plugin.webhook.errors.WebhookErrors;
import dev.kapi.apiserver.admission.plugin.webhook.generic.Hook;
import dev.kapi.apiserver.admission.plugin.webhook.generic.VersionedAttributes;
import dev.kapi.apiserver.admission.plugin.webhook.generic.WebhookMetrics;
import dev.kapi.apiserver.admission.plugin.webhook.generic.Webhooks;
import dev.kapi.apiserver.admission.plugin.webhook.request.AdmissionResponse;
import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Calls the mutating webhooks that match a request, one after the other in kube's order, each on the object as
 * the ones before it left it (kube's mutating dispatcher). Each webhook is matched just before its turn (its
 * objectSelector sees the object as it is then). A JSONPatch answer replaces the object ({@link Patching}); a
 * denial or, under failurePolicy Fail, a failure to call ends the request; under Ignore the failure is logged and
 * noted as {@code failed-open.mutation.webhook.admission.k8s.io/round_<r>_index_<i>}. Every call is noted as
 * {@code mutation.webhook.admission.k8s.io/round_<r>_index_<i>} ({@code {"configuration","webhook","mutated"}}).
 *
 * <p>Reinvocation ({@code reinvocationPolicy: IfNeeded}): when a webhook changes the object, the IfNeeded webhooks
 * called before it are marked; if any is marked once all have run, a second round calls the marked ones (still
 * matching) once more, in order. Other admission plugins are not run again (kube reruns its whole chain).
 *
 * <p>A webhook matched through an equivalent version gets the object converted to that version; the result is
 * converted back to the request's version at the end when a webhook changed it.
 */
final class MutatingDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(MutatingDispatcher.class);
    static final String MUTATION_PREFIX = "mutation.webhook.admission.k8s.io/";
    static final String FAILED_OPEN_PREFIX = "failed-open." + MUTATION_PREFIX;

    private final Webhooks webhooks;

    MutatingDispatcher(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    HasMetadata dispatch(AdmissionAttributes a, List<Hook> hooks) {
        Current current = new Current(a);
        Reinvocation reinvocation = new Reinvocation();
        round(0, a, hooks, current, reinvocation);
        if (!reinvocation.marked.isEmpty()) {
            round(1, a, hooks, current, reinvocation);
        }
        return current.result();
    }

    private void round(int round, AdmissionAttributes a, List<Hook> hooks, Current current, Reinvocation r) {
        for (int i = 0; i < hooks.size(); i++) {
            Hook hook = hooks.get(i);
            Optional<Invocation> invocation = webhooks.matcher().match(hook, a.withObject(current.object),
                    current::versioned);
            if (invocation.isEmpty() || (round == 1 && !r.marked.contains(hook.uid()))) {
                continue;
            }
            boolean changed = call(round, i, hook, current.versioned(invocation.get()), current);
            if (changed) {
                r.marked.addAll(r.invoked);
                r.invoked.clear();
            }
            if (hook.reinvokedIfNeeded()) {
                r.invoked.add(hook.uid());
            }
        }
    }

    /** Calls one webhook and applies its patch; whether the object changed. */
    private boolean call(int round, int index, Hook hook, VersionedAttributes v, Current current) {
        AdmissionAttributes a = v.request();
        String at = "round_" + round + "_index_" + index;
        boolean changed = false;
        long start = System.nanoTime();
        WebhookMetrics.Outcome outcome = WebhookMetrics.Outcome.INTERNAL; // unless set below
        int code = 0;
        try {
            AdmissionResponse response = webhooks.caller().call(hook, v, true);
            if (!response.allowed()) {
                StatusError denied = WebhookErrors.denied(hook.name(), response.result());
                outcome = WebhookMetrics.Outcome.DENIED;
                code = denied.code();
                throw denied;
            }
            if (response.patch().length > 0) {
                if (!"JSONPatch".equals(response.patchType())) {
                    throw new CallingWebhook(hook.name(), "unsupported patch type " + GoQuote.quote(response.patchType()));
                }
                Patching.Patched patched = Patching.apply(hook.name(), v.object(), response.patch(), a);
                if (patched.changed()) {
                    current.update(patched.object(), v.invocation().resource());
                    changed = true;
                }
            }
            outcome = WebhookMetrics.Outcome.ALLOWED;
            code = 200;
            return changed;
        } catch (CallingWebhook e) {
            outcome = WebhookMetrics.Outcome.NOT_CALLED;
            code = WebhookMetrics.failureCode(e, true);
            if (!hook.ignoresFailures()) {
                LOG.warn("Failed calling webhook, failing closed {}: {}", hook.name(), e.getMessage());
                throw e.toStatus();
            }
            LOG.warn("Failed calling webhook, failing open {}: {}", hook.name(), e.getMessage());
            a.recorder().annotate(FAILED_OPEN_PREFIX + at, hook.name());
            return false;
        } finally {
            WebhookMetrics.observe(webhooks.metrics(), hook, "admit", a.operation().name(), start, outcome, code);
            Map<String, Object> mutation = new LinkedHashMap<>();
            mutation.put("configuration", hook.configurationName());
            mutation.put("webhook", hook.name());
            mutation.put("mutated", changed);
            a.recorder().annotate(MUTATION_PREFIX + at, Json.string(mutation));
        }
    }

    /** The IfNeeded webhooks called since the last change, and those to call again. */
    private static final class Reinvocation {
        final Set<String> invoked = new HashSet<>();
        final Set<String> marked = new HashSet<>();
    }

    /** The object as the webhooks so far left it, in the version of the last webhook that saw it. */
    private final class Current {
        private final AdmissionAttributes request;
        private final Map<GroupVersionResource, HasMetadata> oldObjects = new HashMap<>();
        private HasMetadata object;
        private GroupVersionResource version;
        private boolean dirty;

        Current(AdmissionAttributes request) {
            this.request = request;
            this.object = request.object();
            this.version = request.resource();
        }

        VersionedAttributes versioned(Invocation invocation) {
            GroupVersionResource to = invocation.resource();
            if (!to.equals(version)) {
                object = object == null ? null : webhooks.versions().convert(object, to);
                version = to;
            }
            HasMetadata old = request.oldObject() == null || to.equals(request.resource()) ? request.oldObject()
                    : oldObjects.computeIfAbsent(to, r -> webhooks.versions().convert(request.oldObject(), r));
            return new VersionedAttributes(request, invocation, object, old);
        }

        void update(HasMetadata patched, GroupVersionResource in) {
            object = patched;
            version = in;
            dirty = true;
        }

        /** The object to go on with, in the request's version. */
        HasMetadata result() {
            if (!dirty) {
                return request.object();
            }
            return version.equals(request.resource()) ? object : webhooks.versions().convert(object, request.resource());
        }
    }
}
