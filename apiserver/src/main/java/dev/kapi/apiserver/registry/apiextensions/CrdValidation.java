package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionSpec;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceSubresourceScale;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The static checks of a CustomResourceDefinition, with kube's messages and paths
 * ({@code apiextensions/validation.ValidateCustomResourceDefinition}): the name is {@code <plural>.<group>},
 * the group a domain with a dot, scope, names, versions (unique DNS-1035 names, exactly one storage version,
 * a schema each), subresources and printer columns. The schema itself is checked by {@link CrdSchemas}.
 */
final class CrdValidation {

    static final List<String> COLUMN_TYPES = List.of("boolean", "date", "integer", "number", "string");
    static final List<String> COLUMN_FORMATS =
            List.of("byte", "date", "date-time", "double", "float", "int32", "int64", "password");

    private CrdValidation() {
    }

    /** What the object's name must be besides a DNS subdomain. */
    static List<String> name(CustomResourceDefinition crd, String name) {
        List<String> errs = new ArrayList<>(NameValidation.dns1123Subdomain(name));
        CustomResourceDefinitionSpec spec = crd.getSpec();
        String plural = spec == null || spec.getNames() == null ? null : spec.getNames().getPlural();
        String group = spec == null ? null : spec.getGroup();
        if (!name.equals(plural + "." + group)) {
            errs.add("must be spec.names.plural+\".\"+spec.group");
        }
        return errs;
    }

    static List<FieldError> spec(CustomResourceDefinitionSpec spec) {
        List<FieldError> errs = new ArrayList<>();
        if (spec == null) {
            errs.add(FieldError.required("spec", ""));
            return errs;
        }
        String group = Objects.toString(spec.getGroup(), "");
        if (group.isEmpty()) {
            errs.add(FieldError.required("spec.group", ""));
        } else if (!NameValidation.dns1123Subdomain(group).isEmpty()) {
            errs.add(FieldError.invalid("spec.group", group, String.join(",", NameValidation.dns1123Subdomain(group))));
        } else if (!group.contains(".")) {
            errs.add(FieldError.invalid("spec.group", group, "should be a domain with at least one dot"));
        }
        String scope = Objects.toString(spec.getScope(), "");
        if (scope.isEmpty()) {
            errs.add(FieldError.required("spec.scope", ""));
        } else if (!scope.equals("Cluster") && !scope.equals("Namespaced")) {
            errs.add(FieldError.notSupported("spec.scope", scope, List.of("Cluster", "Namespaced")));
        }
        versions(spec.getVersions(), errs);
        if (Boolean.TRUE.equals(spec.getPreserveUnknownFields())) {
            errs.add(FieldError.invalid("spec.preserveUnknownFields", true,
                    "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"));
        }
        CustomResourceDefinitionNames names = spec.getNames();
        if (names == null) {
            names = new CustomResourceDefinitionNames();
        }
        for (String[] required : new String[][] {{"plural", names.getPlural()}, {"singular", names.getSingular()},
                {"kind", names.getKind()}, {"listKind", names.getListKind()}}) {
            if (required[1] == null || required[1].isEmpty()) {
                errs.add(FieldError.required("spec.names." + required[0], ""));
            }
        }
        errs.addAll(names(names, "spec.names"));
        return errs;
    }

    private static void versions(List<CustomResourceDefinitionVersion> versions, List<FieldError> errs) {
        if (versions == null || versions.isEmpty()) {
            errs.add(FieldError.required("spec.versions", "must have exactly one version marked as storage version"));
            return;
        }
        int storage = 0;
        Set<String> seen = new HashSet<>();
        boolean unique = true;
        for (int i = 0; i < versions.size(); i++) {
            CustomResourceDefinitionVersion v = versions.get(i);
            String path = "spec.versions[" + i + "]";
            String name = Objects.toString(v.getName(), "");
            storage += Boolean.TRUE.equals(v.getStorage()) ? 1 : 0;
            unique &= seen.add(name);
            List<String> bad = NameValidation.dns1035Label(name);
            if (!bad.isEmpty()) {
                errs.add(FieldError.invalid(path + ".name", name, String.join(",", bad)));
            }
            if (v.getSchema() == null || v.getSchema().getOpenAPIV3Schema() == null) {
                errs.add(FieldError.required(path + ".schema.openAPIV3Schema", "schemas are required"));
            }
            if (v.getSubresources() != null && v.getSubresources().getScale() != null) {
                scale(v.getSubresources().getScale(), path + ".subresources.scale", errs);
            }
            List<CustomResourceColumnDefinition> columns = v.getAdditionalPrinterColumns();
            for (int c = 0; columns != null && c < columns.size(); c++) {
                column(columns.get(c), path + ".additionalPrinterColumns[" + c + "]", errs);
            }
            if (v.getSelectableFields() != null && !v.getSelectableFields().isEmpty()) {
                SelectableFields.validate(v, path + ".selectableFields", errs);
            }
            if (v.getDeprecationWarning() != null && !Boolean.TRUE.equals(v.getDeprecated())) {
                errs.add(FieldError.invalid(path + ".deprecationWarning", v.getDeprecationWarning(),
                        "can only be set for deprecated versions"));
            } else if (v.getDeprecationWarning() != null && v.getDeprecationWarning().length() > 256) {
                errs.add(FieldError.tooLong(path + ".deprecationWarning", "", 256));
            }
        }
        List<String> names = versions.stream().map(v -> Objects.toString(v.getName(), "")).toList();
        if (!unique) {
            errs.add(FieldError.invalid("spec.versions", names, "must contain unique version names"));
        }
        if (storage != 1) {
            errs.add(FieldError.invalid("spec.versions", names, "must have exactly one version marked as storage version"));
        }
    }

    private static void scale(CustomResourceSubresourceScale scale, String path, List<FieldError> errs) {
        String spec = scale.getSpecReplicasPath();
        if (spec == null || spec.isEmpty()) {
            errs.add(FieldError.required(path + ".specReplicasPath", ""));
        } else if (!spec.startsWith(".spec.") || !JsonPath.isSimple(spec)) {
            errs.add(FieldError.invalid(path + ".specReplicasPath", spec, "should be a json path under .spec"));
        }
        String status = scale.getStatusReplicasPath();
        if (status == null || status.isEmpty()) {
            errs.add(FieldError.required(path + ".statusReplicasPath", ""));
        } else if (!status.startsWith(".status.") || !JsonPath.isSimple(status)) {
            errs.add(FieldError.invalid(path + ".statusReplicasPath", status, "should be a json path under .status"));
        }
        String selector = scale.getLabelSelectorPath();
        if (selector != null && !selector.isEmpty() && (!JsonPath.isSimple(selector)
                || !(selector.startsWith(".spec.") || selector.startsWith(".status.")))) {
            errs.add(FieldError.invalid(path + ".labelSelectorPath", selector,
                    "should be a json path under either .spec or .status"));
        }
    }

    private static void column(CustomResourceColumnDefinition col, String path, List<FieldError> errs) {
        if (col.getName() == null || col.getName().isEmpty()) {
            errs.add(FieldError.required(path + ".name", ""));
        }
        if (col.getType() == null || col.getType().isEmpty()) {
            errs.add(FieldError.required(path + ".type", "must be one of " + String.join(", ", COLUMN_TYPES)));
        } else if (!COLUMN_TYPES.contains(col.getType())) {
            errs.add(FieldError.notSupported(path + ".type", col.getType(), COLUMN_TYPES));
        }
        if (col.getFormat() != null && !col.getFormat().isEmpty() && !COLUMN_FORMATS.contains(col.getFormat())) {
            errs.add(FieldError.notSupported(path + ".format", col.getFormat(), COLUMN_FORMATS));
        }
        if (col.getPriority() != null && col.getPriority() < 0) {
            errs.add(FieldError.invalid(path + ".priority", col.getPriority(), "must be non-negative"));
        }
        if (col.getJsonPath() == null || col.getJsonPath().isEmpty()) {
            errs.add(FieldError.required(path + ".jsonPath", ""));
        } else {
            String bad = JsonPath.problem(col.getJsonPath());
            if (bad != null) {
                errs.add(FieldError.invalid(path + ".jsonPath", col.getJsonPath(), bad));
            }
        }
    }

    /** {@code ValidateCustomResourceDefinitionNames}, for spec.names and status.acceptedNames. */
    static List<FieldError> names(CustomResourceDefinitionNames names, String path) {
        List<FieldError> errs = new ArrayList<>();
        label(names.getPlural(), path + ".plural", "", errs);
        label(names.getSingular(), path + ".singular", "", errs);
        label(names.getKind(), path + ".kind", "may have mixed case, but should otherwise match: ", errs);
        label(names.getListKind(), path + ".listKind", "may have mixed case, but should otherwise match: ", errs);
        List<String> shortNames = names.getShortNames() == null ? List.of() : names.getShortNames();
        for (int i = 0; i < shortNames.size(); i++) {
            label(shortNames.get(i), path + ".shortNames[" + i + "]", "", errs);
        }
        if (names.getKind() != null && !names.getKind().isEmpty() && names.getKind().equals(names.getListKind())) {
            errs.add(FieldError.invalid(path + ".listKind", names.getListKind(), "kind and listKind may not be the same"));
        }
        List<String> categories = names.getCategories() == null ? List.of() : names.getCategories();
        for (int i = 0; i < categories.size(); i++) {
            label(categories.get(i), path + ".categories[" + i + "]", "", errs);
        }
        return errs;
    }

    private static void label(String value, String path, String prefix, List<FieldError> errs) {
        if (value == null || value.isEmpty()) {
            return;
        }
        List<String> bad = NameValidation.dns1035Label(prefix.isEmpty() ? value : value.toLowerCase(Locale.ROOT));
        if (!bad.isEmpty()) {
            errs.add(FieldError.invalid(path, value, prefix + String.join(",", bad)));
        }
    }

    /** kube's {@code ValidateCustomResourceDefinitionSpecUpdate} on top of {@link #spec}. */
    static List<FieldError> specUpdate(CustomResourceDefinitionSpec spec, CustomResourceDefinitionSpec old,
                                       boolean established) {
        List<FieldError> errs = spec(spec);
        if (spec == null || old == null) {
            return errs;
        }
        if (established) {
            immutable(spec.getScope(), old.getScope(), "spec.scope", errs);
            immutable(kind(spec), kind(old), "spec.names.kind", errs);
        }
        immutable(spec.getGroup(), old.getGroup(), "spec.group", errs);
        immutable(spec.getNames() == null ? null : spec.getNames().getPlural(),
                old.getNames() == null ? null : old.getNames().getPlural(), "spec.names.plural", errs);
        return errs;
    }

    private static String kind(CustomResourceDefinitionSpec spec) {
        return spec.getNames() == null ? null : spec.getNames().getKind();
    }

    private static void immutable(String now, String before, String path, List<FieldError> errs) {
        if (!Objects.equals(now, before)) {
            errs.add(FieldError.invalid(path, now, "field is immutable"));
        }
    }

    /** Every stored version must still be listed ({@code ValidateCustomResourceDefinitionStoredVersions}). */
    static List<FieldError> storedVersions(List<String> stored, List<CustomResourceDefinitionVersion> versions) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        if (versions != null) {
            versions.forEach(v -> listed.add(v.getName()));
        }
        for (int i = 0; stored != null && i < stored.size(); i++) {
            if (!listed.contains(stored.get(i))) {
                errs.add(FieldError.invalid("status.storedVersions[" + i + "]", stored.get(i), "must appear in spec.versions"));
            }
        }
        return errs;
    }
}
