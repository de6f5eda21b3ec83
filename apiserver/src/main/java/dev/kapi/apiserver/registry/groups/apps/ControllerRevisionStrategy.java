package dev.kapi.apiserver.registry.groups.apps;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import dev.kapi.apiserver.registry.validation.GoValues;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** apps/v1 controllerrevisions: data required and immutable, revision non-negative. */
public final class ControllerRevisionStrategy implements ResourceStrategy<ControllerRevision> {

    @Override
    public List<FieldError> validate(ControllerRevision cr) {
        List<FieldError> errs = new ArrayList<>();
        if (cr.getData() == null) {
            errs.add(FieldError.required("data", "data is mandatory"));
        }
        FieldChecks.nonNegative(cr.getRevision(), "revision", errs);
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ControllerRevision cr, ControllerRevision old) {
        List<FieldError> errs = validate(cr);
        if (!Objects.equals(cr.getData(), old.getData())) {
            errs.add(FieldError.invalid("data", new GoValues.Printed(Json.MAPPER.writeValueAsString(cr.getData())),
                    "field is immutable"));
        }
        return errs;
    }

    @Override
    public List<TableColumn<ControllerRevision>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Controller", "string", "Controller of the object",
                        ControllerRevisionStrategy::controller),
                TableColumn.of("Revision", "string", "Revision indicates the revision of the state represented by Data.",
                        cr -> cr.getRevision() == null ? 0L : cr.getRevision()),
                TableColumn.ageColumn());
    }

    /** {@code kind.group/name} of the controlling owner (e.g. {@code statefulset.apps/web}), or {@code <none>}. */
    static String controller(ControllerRevision cr) {
        if (cr.getMetadata() == null || cr.getMetadata().getOwnerReferences() == null) {
            return "<none>";
        }
        for (OwnerReference ref : cr.getMetadata().getOwnerReferences()) {
            if (Boolean.TRUE.equals(ref.getController())) {
                String apiVersion = ref.getApiVersion() == null ? "" : ref.getApiVersion();
                String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
                String kind = ref.getKind() == null ? "" : ref.getKind();
                if (kind.isEmpty() && group.isEmpty()) {
                    return ref.getName();
                }
                String gk = group.isEmpty() ? kind : kind + "." + group;
                return gk.toLowerCase(Locale.ROOT) + "/" + ref.getName();
            }
        }
        return "<none>";
    }
}
