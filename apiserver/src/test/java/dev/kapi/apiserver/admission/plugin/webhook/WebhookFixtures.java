package dev.kapi.apiserver.admission.plugin.webhook;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.AdmissionRecorder;
import dev.kapi.apiserver.admission.plugin.matching.EquivalentResources;
import dev.kapi.apiserver.admission.plugin.webhook.generic.HookMatcher;
import dev.kapi.apiserver.admission.plugin.webhook.generic.CelMatchConditions;
import dev.kapi.apiserver.admission.plugin.webhook.generic.MatchConditionEvaluator;
import dev.kapi.apiserver.admission.plugin.webhook.generic.ObjectVersions;
import dev.kapi.apiserver.admission.plugin.webhook.generic.WebhookCaller;
import dev.kapi.apiserver.admission.plugin.webhook.generic.WebhookSource;
import dev.kapi.apiserver.admission.plugin.webhook.generic.WebhookMetrics;
import dev.kapi.apiserver.admission.plugin.webhook.generic.Webhooks;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.webhook.ServiceUrls;
import dev.kapi.apiserver.webhook.WebhookClient;
import io.fabric8.kubernetes.api.model.CreateOptions;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperationsBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Webhook configurations, requests and a plugin setup for the dispatcher tests. */
final class WebhookFixtures {

    static final UserInfo ALICE = new UserInfo("alice", "u-1", List.of("devs", "system:authenticated"),
            Map.of("scopes", List.of("a", "b")));

    private WebhookFixtures() {
    }

    /** A recorder that keeps what it is given. */
    static final class Recorded implements AdmissionRecorder {
        final List<String> warnings = new CopyOnWriteArrayList<>();
        final Map<String, String> annotations = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

        @Override
        public void warn(String warning) {
            warnings.add(warning);
        }

        @Override
        public void annotate(String key, String value) {
            annotations.putIfAbsent(key, value);
        }
    }

    /** A source whose lists a test sets. */
    static final class Source implements WebhookSource {
        volatile List<MutatingWebhookConfiguration> mutating = List.of();
        volatile List<ValidatingWebhookConfiguration> validating = List.of();

        @Override
        public List<MutatingWebhookConfiguration> mutating() {
            return mutating;
        }

        @Override
        public List<ValidatingWebhookConfiguration> validating() {
            return validating;
        }
    }

    /** The plugins' shared part over {@code source}; namespaces "ns" (env=prod) and "dev" (env=dev) exist. */
    static Webhooks webhooks(WebhookSource source, MatchConditionEvaluator conditions, ServiceUrls services) {
        Map<String, Map<String, String>> namespaces = Map.of("ns", Map.of("env", "prod"), "dev", Map.of("env", "dev"));
        return new Webhooks(source, new HookMatcher(ns -> Optional.ofNullable(namespaces.get(ns)),
                EquivalentResources.NONE, conditions), new WebhookCaller(new WebhookClient(8), services),
                ObjectVersions.NONE);
    }

    /** The plugins' shared part over {@code source}, with other versions of resources. */
    static Webhooks webhooks(WebhookSource source, EquivalentResources equivalents, ObjectVersions versions) {
        return new Webhooks(source, new HookMatcher(ns -> Optional.of(Map.of()), equivalents,
                (conditions, request) -> MatchConditionEvaluator.Result.MATCH),
                new WebhookCaller(new WebhookClient(8), ServiceUrls.defaults()), versions);
    }

    static Webhooks webhooks(WebhookSource source) {
        return webhooks(source, new CelMatchConditions(null), ServiceUrls.defaults());
    }

    /** Webhook metrics that write down what they are told, one line each. */
    static final class Told implements WebhookMetrics {
        final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void called(String webhook, String type, String operation, boolean rejected, int code,
                           java.time.Duration took) {
            lines.add("called " + webhook + " " + type + " " + operation + " rejected=" + rejected + " code=" + code);
        }

        @Override
        public void rejected(String webhook, String type, String operation, String errorType, int code) {
            lines.add("rejected " + webhook + " " + errorType + " code=" + code);
        }

        @Override
        public void failedOpen(String webhook, String type) {
            lines.add("failed open " + webhook + " " + type);
        }
    }

    /** The plugins' shared part over {@code source}, telling {@code metrics} each call's outcome. */
    static Webhooks webhooks(WebhookSource source, WebhookMetrics metrics) {
        Webhooks plain = webhooks(source);
        return new Webhooks(source, plain.matcher(), plain.caller(), plain.versions(), metrics);
    }

    static Pod pod(String name, String... labels) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("nginx").endContainer().endSpec();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            b.editMetadata().addToLabels(labels[i], labels[i + 1]).endMetadata();
        }
        return b.build();
    }

    /** A CREATE of {@code pod} in namespace {@code namespace}. */
    static AdmissionAttributes create(Pod pod, String namespace, boolean dryRun, AdmissionRecorder recorder) {
        GroupVersionKind kind = new GroupVersionKind("", "v1", "Pod");
        CreateOptions options = new CreateOptions();
        if (dryRun) {
            options.setDryRun(List.of("All"));
        }
        return new AdmissionAttributes(Operation.CREATE, kind, kind, new GroupVersionResource("", "v1", "pods"), "",
                namespace, pod.getMetadata().getName(), pod, null, options, ALICE, dryRun, recorder);
    }

    static AdmissionAttributes delete(Pod old, AdmissionRecorder recorder) {
        GroupVersionKind kind = new GroupVersionKind("", "v1", "Pod");
        return new AdmissionAttributes(Operation.DELETE, kind, kind, new GroupVersionResource("", "v1", "pods"), "",
                "ns", old.getMetadata().getName(), null, old, new DeleteOptions(), ALICE, false, recorder);
    }

    /** A webhook for pod CREATEs and DELETEs at {@code url}, failurePolicy Fail, sideEffects None. */
    static MutatingWebhookBuilder mutatingHook(String name, String url, String caBundle) {
        return new MutatingWebhookBuilder().withName(name)
                .withNewClientConfig().withUrl(url).withCaBundle(caBundle).endClientConfig()
                .withRules(new RuleWithOperationsBuilder().withOperations("CREATE", "DELETE").withApiGroups("")
                        .withApiVersions("v1").withResources("pods").build())
                .withFailurePolicy("Fail").withSideEffects("None").withAdmissionReviewVersions("v1")
                .withTimeoutSeconds(2);
    }

    static ValidatingWebhookBuilder validatingHook(String name, String url, String caBundle) {
        return new ValidatingWebhookBuilder().withName(name)
                .withNewClientConfig().withUrl(url).withCaBundle(caBundle).endClientConfig()
                .withRules(new RuleWithOperationsBuilder().withOperations("CREATE").withApiGroups("")
                        .withApiVersions("v1").withResources("pods").build())
                .withFailurePolicy("Fail").withSideEffects("None").withAdmissionReviewVersions("v1")
                .withTimeoutSeconds(2);
    }

    static MutatingWebhookConfiguration mutating(String name, MutatingWebhook... hooks) {
        return new MutatingWebhookConfigurationBuilder().withNewMetadata().withName(name).endMetadata()
                .withWebhooks(Arrays.asList(hooks)).build();
    }

    static ValidatingWebhookConfiguration validating(String name, ValidatingWebhook... hooks) {
        return new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName(name).endMetadata()
                .withWebhooks(new ArrayList<>(Arrays.asList(hooks))).build();
    }

    static Map<String, String> labels(HasMetadata obj) {
        return obj.getMetadata().getLabels() == null ? Map.of() : obj.getMetadata().getLabels();
    }
}
