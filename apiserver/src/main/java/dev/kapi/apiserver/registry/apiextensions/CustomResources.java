package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.apiextensions.conversion.VersionConverter;
import dev.kapi.apiserver.registry.apiextensions.conversion.VersionConverters;
import dev.kapi.apiserver.webhook.ServiceUrls;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceSubresources;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The served resources of a CustomResourceDefinition: one {@link ResourceDefinition} per served version,
 * named by its accepted names (discovery's kind, plural, singular, short names and categories), with the
 * version's schema, strategy, subresources and printer columns, all stored together under
 * {@code /registry/<group>/<plural>/} at the storage version. A CRD is served only once Established.
 */
public final class CustomResources {

    private CustomResources() {
    }

    /** The definitions to serve for {@code crd} now: none unless it is established. */
    public static List<ResourceDefinition<?>> definitionsOf(CustomResourceDefinition crd) {
        boolean terminating = CrdConditions.isTrue(crd, CrdConditions.TERMINATING);
        return definitionsOf(crd, () -> terminating);
    }

    /**
     * The definitions to serve for {@code crd}, whose creates are refused while {@code terminating} says so: the
     * CRD's deletion changes that answer, not the definitions, so watches of its objects go on and see the
     * cleanup's deletes.
     */
    public static List<ResourceDefinition<?>> definitionsOf(CustomResourceDefinition crd, BooleanSupplier terminating) {
        return definitionsOf(crd, terminating, ServiceUrls.defaults());
    }

    /**
     * As {@link #definitionsOf(CustomResourceDefinition, BooleanSupplier)}, a conversion webhook given as a service
     * being called where {@code webhookServices} says.
     */
    public static List<ResourceDefinition<?>> definitionsOf(CustomResourceDefinition crd, BooleanSupplier terminating,
                                                            ServiceUrls webhookServices) {
        if (!CrdConditions.isTrue(crd, CrdConditions.ESTABLISHED) || crd.getStatus().getAcceptedNames() == null) {
            return List.of();
        }
        CustomResourceDefinitionNames names = crd.getStatus().getAcceptedNames();
        String group = crd.getSpec().getGroup();
        String storage = CrdStrategy.storageVersion(crd);
        VersionConverter converter = VersionConverters.of(crd, webhookServices);
        List<ResourceDefinition<?>> served = new ArrayList<>();
        for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
            if (!Boolean.TRUE.equals(v.getServed())) {
                continue;
            }
            JsonNode openApi = v.getSchema() == null ? null : Json.tree(v.getSchema().getOpenAPIV3Schema());
            VersionRules rules = new VersionRules(openApi);
            var b = ResourceDefinition.builder(group, v.getName(), names.getPlural(), names.getKind(),
                            GenericKubernetesResource.class)
                    .listKind(names.getListKind() == null || names.getListKind().isEmpty()
                            ? names.getKind() + "List" : names.getListKind())
                    .singular(names.getSingular() == null || names.getSingular().isEmpty()
                            ? names.getKind().toLowerCase(java.util.Locale.ROOT) : names.getSingular())
                    .shortNames(array(names.getShortNames()))
                    .categories(array(names.getCategories()))
                    .tracksGeneration()
                    .schema(CustomResourceSchemas.root(group, v.getName(), names.getKind(), openApi))
                    .strategy(new CustomResourceStrategy(new GroupResource(group, names.getPlural()), rules,
                            PrinterColumns.of(v.getAdditionalPrinterColumns()), terminating,
                            SelectableFields.of(v)))
                    .storageForm(new CustomStorageForm(group, storage, v.getName(), converter, rules));
            if (Boolean.TRUE.equals(v.getDeprecated())) {
                b.deprecated(v.getDeprecationWarning() != null ? v.getDeprecationWarning()
                        : group + "/" + v.getName() + " " + names.getKind() + " is deprecated");
            }
            if (!"Namespaced".equals(crd.getSpec().getScope())) {
                b.clusterScoped();
            }
            CustomResourceSubresources sub = v.getSubresources();
            if (sub != null && sub.getStatus() != null) {
                b.subresources("status");
            }
            if (sub != null && sub.getScale() != null) {
                b.scale(new CustomScale(sub.getScale().getSpecReplicasPath(), sub.getScale().getStatusReplicasPath(),
                        sub.getScale().getLabelSelectorPath()));
            }
            served.add(b.build());
        }
        return served;
    }

    /**
     * Builds the definitions of a small CRD with a schema, defaults and a CEL rule and validates an object with
     * them, so that the first real CRD does not pay for loading and warming the schema and CEL code (up to a
     * second on a fresh server). Nothing is registered; throws when the schema or CEL code misbehaves. Once per
     * JVM: a further server in the same JVM (kapi-testing) finds the code warm.
     */
    public static void warmUp() {
        if (WARM.get()) {
            return;
        }
        exerciseDefinitions();
        WARM.set(true);
    }

    /** The warm-up's work, every time it is called (its test calls it directly). */
    static void exerciseDefinitions() {
        CustomResourceDefinition crd = Json.read("""
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"warmups.warmup.kapi.dev"},
                 "spec":{"group":"warmup.kapi.dev","scope":"Namespaced",
                   "names":{"plural":"warmups","singular":"warmup","kind":"WarmUp","listKind":"WarmUpList"},
                   "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
                     "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object",
                       "x-kubernetes-validations":[{"rule":"self.size <= 10"}],
                       "properties":{"size":{"type":"integer","default":1,"maximum":10}}}}}}}]}}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8), CustomResourceDefinition.class);
        CrdStrategy strategy = new CrdStrategy();
        strategy.applyDefaults(crd);
        if (!strategy.validate(crd).isEmpty()) {
            throw new IllegalStateException("the warm-up CRD is invalid: " + strategy.validate(crd));
        }
        strategy.prepareForCreate(crd);
        crd.getStatus().setAcceptedNames(crd.getSpec().getNames());
        CrdConditions.set(crd, CrdConditions.of(CrdConditions.ESTABLISHED, "True", "InitialNamesAccepted", ""));
        for (ResourceDefinition<?> d : definitionsOf(crd)) {
            @SuppressWarnings("unchecked")
            ResourceDefinition<GenericKubernetesResource> custom = (ResourceDefinition<GenericKubernetesResource>) d;
            GenericKubernetesResource obj = Json.read("""
                    {"apiVersion":"warmup.kapi.dev/v1","kind":"WarmUp","metadata":{"name":"w"},"spec":{}}"""
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8), GenericKubernetesResource.class);
            custom.strategy().applyDefaults(obj);
            if (!Integer.valueOf(1).equals(obj.get("spec", "size")) || !custom.strategy().validate(obj).isEmpty()) {
                throw new IllegalStateException("the warm-up object was not defaulted or is invalid: " + obj);
            }
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARM = new java.util.concurrent.atomic.AtomicBoolean();

    private static String[] array(List<String> values) {
        return values == null ? new String[0] : values.toArray(String[]::new);
    }
}
