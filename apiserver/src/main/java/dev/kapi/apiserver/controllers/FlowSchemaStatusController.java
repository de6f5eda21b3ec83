package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchemaCondition;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchemaStatus;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The status kube-apiserver's API Priority and Fairness controller keeps on every FlowSchema: the
 * {@code Dangling} condition, False ("Found") when the PriorityLevelConfiguration it names exists and True
 * ("NotFound") when not, with kube's messages. It is the only part of APF this server runs: requests are not
 * classified by the schemas. Writes go through the {@link WritePipeline} as the API server itself.
 */
final class FlowSchemaStatusController extends Controller {

    private static final Logger LOG = LoggerFactory.getLogger(FlowSchemaStatusController.class);

    private final Informer<FlowSchema> schemas;
    private final Informer<PriorityLevelConfiguration> levels;
    private final WriteScope<FlowSchema> status;
    private final WritePipeline writes;

    FlowSchemaStatusController(Informer<FlowSchema> schemas, Informer<PriorityLevelConfiguration> levels,
                               Store<FlowSchema> store, WritePipeline writes) {
        super("flowschema-status", 1, new WorkQueue(Duration.ofMillis(500), Duration.ofSeconds(30)),
                List.of(schemas, levels));
        this.schemas = schemas;
        this.levels = levels;
        this.status = WriteScope.of(store, null, SystemUsers.API_SERVER).subresource("status");
        this.writes = writes;
        schemas.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(FlowSchema fs) {
                queue.add(fs.getMetadata().getName());
            }

            @Override
            public void onUpdate(FlowSchema old, FlowSchema fs) {
                queue.add(fs.getMetadata().getName());
            }
        });
        levels.addHandler(new EventHandler<>() {
            private boolean changed;

            @Override
            public void onAdd(PriorityLevelConfiguration pl) {
                changed = true;
            }

            @Override
            public void onDelete(PriorityLevelConfiguration pl) {
                changed = true;
            }

            @Override
            public void onBatchEnd() {
                if (changed) {
                    changed = false;
                    schemas.cache().list().forEach(fs -> queue.add(fs.getMetadata().getName()));
                }
            }
        });
    }

    @Override
    protected boolean reconcile(String name) {
        FlowSchema fs = schemas.cache().get(null, name);
        if (fs == null || fs.getSpec() == null || fs.getSpec().getPriorityLevelConfiguration() == null) {
            return true;
        }
        String level = fs.getSpec().getPriorityLevelConfiguration().getName();
        boolean found = levels.cache().get(null, level) != null;
        String state = found ? "False" : "True";
        String reason = found ? "Found" : "NotFound";
        String message = "This FlowSchema references the PriorityLevelConfiguration object named \"" + level
                + (found ? "\" and it exists" : "\" but there is no such object");
        FlowSchemaCondition current = dangling(fs);
        if (current != null && state.equals(current.getStatus()) && reason.equals(current.getReason())
                && message.equals(current.getMessage())) {
            return true;
        }
        try {
            writes.update(status, name, obj -> {
                FlowSchemaCondition was = dangling(obj);
                FlowSchemaCondition c = new FlowSchemaCondition();
                c.setType("Dangling");
                c.setStatus(state);
                c.setReason(reason);
                c.setMessage(message);
                c.setLastTransitionTime(was != null && state.equals(was.getStatus()) ? was.getLastTransitionTime()
                        : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                List<FlowSchemaCondition> conditions = new ArrayList<>();
                if (obj.getStatus() != null && obj.getStatus().getConditions() != null) {
                    obj.getStatus().getConditions().stream().filter(x -> !"Dangling".equals(x.getType()))
                            .forEach(conditions::add);
                }
                conditions.add(c);
                FlowSchemaStatus s = new FlowSchemaStatus();
                s.setConditions(conditions);
                obj.setStatus(s);
                return obj;
            }, OperationOptions.update());
            return true;
        } catch (StatusError e) {
            if (e.code() == 404) {
                return true;
            }
            if (!stopping()) {
                LOG.warn("could not update the status of flowschema {}: {}", name, e.getMessage());
            }
            return false;
        }
    }

    private static FlowSchemaCondition dangling(FlowSchema fs) {
        if (fs.getStatus() == null || fs.getStatus().getConditions() == null) {
            return null;
        }
        return fs.getStatus().getConditions().stream().filter(c -> "Dangling".equals(c.getType())).findFirst()
                .orElse(null);
    }
}
