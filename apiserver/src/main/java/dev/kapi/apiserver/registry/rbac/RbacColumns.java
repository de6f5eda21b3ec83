package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;

/**
 * kubectl's columns for RBAC objects: roles {@code NAME CREATED AT}; bindings {@code NAME ROLE AGE} and,
 * with {@code -o wide}, {@code USERS GROUPS SERVICEACCOUNTS}.
 */
final class RbacColumns {

    private RbacColumns() {
    }

    static <T extends HasMetadata> List<TableColumn<T>> role() {
        return List.of(TableColumn.nameColumn(),
                new TableColumn<>("Created At", "date", "",
                        "CreationTimestamp is a timestamp representing the server time when this object was created.",
                        0, o -> createdAt(o.getMetadata().getCreationTimestamp())));
    }

    static <T extends HasMetadata> List<TableColumn<T>> binding(Function<T, RoleRef> roleRef,
                                                                Function<T, List<Subject>> subjects,
                                                                String roleRefDescription) {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Role", "string", roleRefDescription, o -> {
                    RoleRef r = roleRef.apply(o);
                    return r == null ? "/" : nz(r.getKind()) + "/" + nz(r.getName());
                }),
                TableColumn.ageColumn(),
                TableColumn.wide("Users", "string", "Users in the roleBinding",
                        o -> names(subjects.apply(o), "User")),
                TableColumn.wide("Groups", "string", "Groups in the roleBinding",
                        o -> names(subjects.apply(o), "Group")),
                TableColumn.wide("ServiceAccounts", "string", "ServiceAccounts in the roleBinding",
                        o -> names(subjects.apply(o), "ServiceAccount")));
    }

    private static String names(List<Subject> subjects, String kind) {
        return String.join(", ", (subjects == null ? List.<Subject>of() : subjects).stream()
                .filter(s -> kind.equals(s.getKind()))
                .map(s -> kind.equals("ServiceAccount") ? nz(s.getNamespace()) + "/" + nz(s.getName()) : nz(s.getName()))
                .toList());
    }

    static String createdAt(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return "<unknown>";
        }
        return DateTimeFormatter.ISO_INSTANT.format(Instant.parse(timestamp).with(java.time.temporal.ChronoField.NANO_OF_SECOND, 0));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
