package dev.kapi.apiserver.registry.fieldmanager;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.merge.Conflicts.Conflict;
import io.fabric8.kubernetes.api.model.StatusCause;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 409 of a refused apply, in kube's words ({@code NewConflictError}): {@code Apply failed with 1 conflict:
 * conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas}, one cause per field.
 */
final class ApplyConflicts {

    private ApplyConflicts() {
    }

    static StatusError status(List<Conflict> conflicts, Managed managed) {
        List<StatusCause> causes = new ArrayList<>();
        Map<String, List<String>> byManager = new LinkedHashMap<>();
        for (Conflict c : conflicts) {
            String who = describe(c.manager(), managed);
            StatusCause cause = new StatusCause();
            cause.setReason("FieldManagerConflict");
            cause.setMessage("conflict with " + who);
            cause.setField(c.pathString());
            causes.add(cause);
            byManager.computeIfAbsent(who, k -> new ArrayList<>()).add(c.pathString());
        }
        String message;
        if (conflicts.size() == 1) {
            message = "Apply failed with 1 conflict: conflict with " + describe(conflicts.get(0).manager(), managed)
                    + ": " + conflicts.get(0).pathString();
        } else {
            List<String> lines = new ArrayList<>();
            byManager.forEach((who, paths) -> {
                lines.add("conflicts with " + who + ":");
                paths.forEach(p -> lines.add("- " + p));
            });
            message = "Apply failed with " + conflicts.size() + " conflicts: " + String.join("\n", lines);
        }
        return StatusError.applyConflict(message, causes);
    }

    private static String describe(String key, Managed managed) {
        ManagerId id = managed.ids.get(key);
        return id == null ? "\"" + key + "\"" : id.describe();
    }
}
