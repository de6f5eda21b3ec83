package dev.kapi.apiserver.registry.groups.flowcontrol;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keeps the {@link ApfBootstrap} configuration in storage, as kube-apiserver's
 * {@code priority-and-fairness-config-producer} post-start hook does, through the {@link WritePipeline} as the
 * API server itself. Mandatory objects are created when missing and their spec is put back when changed, with
 * {@code apf.kubernetes.io/autoupdate-spec: "true"}. Suggested objects are created when missing; an existing one
 * has its spec kept as bootstrapped when its annotation says "true" (or, with no annotation, when it was never
 * changed: generation 1), and is left alone when it says "false". Objects annotated "true" that the bootstrap no
 * longer has are deleted.
 */
public final class ApfConfigurationEnsurer {

    private static final Logger LOG = LoggerFactory.getLogger(ApfConfigurationEnsurer.class);

    private final StoreRegistry stores;
    private final WritePipeline writes;

    public ApfConfigurationEnsurer(StoreRegistry stores, WritePipeline writes) {
        this.stores = stores;
        this.writes = writes;
    }

    /** Ensures the whole configuration; throws when storage fails. */
    public void ensure() {
        Store<PriorityLevelConfiguration> levels = stores.find(FlowControlResources.GROUP, "v1",
                "prioritylevelconfigurations", PriorityLevelConfiguration.class).orElseThrow();
        Store<FlowSchema> schemas = stores.find(FlowControlResources.GROUP, "v1", "flowschemas", FlowSchema.class)
                .orElseThrow();
        Kind<PriorityLevelConfiguration> pl = new Kind<>(levels, PriorityLevelConfiguration::getSpec,
                (to, from) -> to.setSpec(from.getSpec()), stored(levels));
        Kind<FlowSchema> fs = new Kind<>(schemas, FlowSchema::getSpec, (to, from) -> to.setSpec(from.getSpec()),
                stored(schemas));
        ApfBootstrap.mandatoryPriorityLevels().forEach(o -> ensure(pl, o, true));
        ApfBootstrap.suggestedPriorityLevels().forEach(o -> ensure(pl, o, false));
        ApfBootstrap.mandatoryFlowSchemas().forEach(o -> ensure(fs, o, true));
        ApfBootstrap.suggestedFlowSchemas().forEach(o -> ensure(fs, o, false));
        removeDangling(fs, Stream.concat(ApfBootstrap.mandatoryFlowSchemas().stream(),
                ApfBootstrap.suggestedFlowSchemas().stream()));
        removeDangling(pl, Stream.concat(ApfBootstrap.mandatoryPriorityLevels().stream(),
                ApfBootstrap.suggestedPriorityLevels().stream()));
    }

    /**
     * What is stored of a kind, by name: one list (kube's ensurer reads its informers' listers), not a get per
     * bootstrap object. An object created or changed since is found by the write's conflict.
     */
    private static <T extends HasMetadata> Map<String, T> stored(Store<T> store) {
        Map<String, T> byName = new HashMap<>();
        store.list(null, ListParams.all()).items().forEach(o -> byName.put(o.getMetadata().getName(), o));
        return byName;
    }

    private record Kind<T extends HasMetadata>(Store<T> store, Function<T, Object> spec, BiConsumer<T, T> copySpec,
                                               Map<String, T> stored) {
        WriteScope<T> scope() {
            return WriteScope.of(store, null, SystemUsers.API_SERVER);
        }
    }

    private <T extends HasMetadata> void ensure(Kind<T> kind, T bootstrap, boolean mandatory) {
        String name = bootstrap.getMetadata().getName();
        T existing = kind.stored().get(name);
        if (existing == null) {
            bootstrap.getMetadata().setAnnotations(Map.of(ApfBootstrap.AUTOUPDATE, "true"));
            try {
                writes.create(kind.scope(), bootstrap, OperationOptions.create());
                LOG.info("created {} {}", bootstrap.getKind(), name);
            } catch (StatusError e) {
                if (e.code() != 409) {
                    throw e;
                }
            }
            return;
        }
        if (!mandatory && !autoUpdate(existing)) {
            return;
        }
        boolean annotated = "true".equals(annotation(existing));
        if (annotated && Json.sameJson(kind.spec().apply(existing), kind.spec().apply(bootstrap))) {
            return;
        }
        writes.update(kind.scope(), name, current -> {
            Map<String, String> annotations = new HashMap<>(current.getMetadata().getAnnotations() == null
                    ? Map.of() : current.getMetadata().getAnnotations());
            annotations.put(ApfBootstrap.AUTOUPDATE, "true");
            current.getMetadata().setAnnotations(annotations);
            kind.copySpec().accept(current, bootstrap);
            return current;
        }, OperationOptions.update());
        LOG.info("updated {} {} to its bootstrap spec", bootstrap.getKind(), name);
    }

    /** kube's {@code shouldUpdateSpec}: the annotation's value, or with none, whether it is unchanged since created. */
    private static boolean autoUpdate(HasMetadata existing) {
        String value = annotation(existing);
        if (value != null) {
            return Boolean.parseBoolean(value);
        }
        return Long.valueOf(1).equals(existing.getMetadata().getGeneration());
    }

    private static String annotation(HasMetadata o) {
        return o.getMetadata().getAnnotations() == null ? null : o.getMetadata().getAnnotations().get(ApfBootstrap.AUTOUPDATE);
    }

    private <T extends HasMetadata> void removeDangling(Kind<T> kind, Stream<T> bootstrap) {
        Set<String> names = bootstrap.map(o -> o.getMetadata().getName()).collect(Collectors.toSet());
        for (T o : kind.stored().values()) {
            if (!names.contains(o.getMetadata().getName()) && "true".equals(annotation(o))) {
                try {
                    // as listed: one whose annotation was removed since is kept (kube passes the listed version)
                    DeleteOptions options = OperationOptions.delete();
                    options.setPreconditions(new Preconditions(o.getMetadata().getResourceVersion(),
                            o.getMetadata().getUid()));
                    writes.delete(kind.scope(), o.getMetadata().getName(), options);
                    LOG.info("deleted {} {}: no longer in the bootstrap configuration", o.getKind(),
                            o.getMetadata().getName());
                } catch (StatusError e) {
                    if (e.code() != 404 && e.code() != 409) {
                        throw e;
                    }
                }
            }
        }
    }
}
