package dev.kapi.apiserver.registry.validation;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Validation of {@code metadata} common to every resource (apimachinery's {@code ValidateObjectMeta} and
 * {@code ValidateObjectMetaUpdate}): name (by the resource's rule), namespace presence by scope, labels and
 * annotations syntax and size, owner references, finalizer names, and on update the immutable fields (name,
 * namespace, uid, creationTimestamp, deletionTimestamp, deletionGracePeriodSeconds).
 *
 * <p>Map keys are checked in sorted order so the error list is stable. The resourceVersion-required rule of
 * updates is the store's (it knows whether unconditional updates are allowed); a namespace given to a
 * cluster-scoped object is cleared by the store, so it is not an error here.
 */
public final class ObjectMetaValidation {

    /** apimachinery's {@code TotalAnnotationSizeLimitB}. */
    public static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
    /** The finalizers kube knows that carry no domain prefix. */
    public static final Set<String> STANDARD_FINALIZERS = Set.of("kubernetes", "orphan", "foregroundDeletion");
    public static final String FIELD_IMMUTABLE = "field is immutable";

    private ObjectMetaValidation() {
    }

    public static List<FieldError> validateCreate(ObjectMeta meta, boolean namespaced,
                                                  Function<String, List<String>> nameRule) {
        List<FieldError> errs = new ArrayList<>();
        String name = meta.getName();
        if (name == null || name.isEmpty()) {
            errs.add(FieldError.required("metadata.name", "name or generateName is required"));
        } else {
            for (String msg : nameRule.apply(name)) {
                errs.add(FieldError.invalid("metadata.name", name, msg));
            }
        }
        if (namespaced) {
            String ns = meta.getNamespace();
            if (ns == null || ns.isEmpty()) {
                errs.add(FieldError.required("metadata.namespace", ""));
            } else {
                for (String msg : NameValidation.dns1123Label(ns)) {
                    errs.add(FieldError.invalid("metadata.namespace", ns, msg));
                }
            }
        }
        if (meta.getGeneration() != null && meta.getGeneration() < 0) {
            errs.add(FieldError.invalid("metadata.generation", meta.getGeneration(), "must be greater than or equal to 0"));
        }
        errs.addAll(common(meta));
        return errs;
    }

    public static List<FieldError> validateUpdate(ObjectMeta meta, ObjectMeta old) {
        List<FieldError> errs = new ArrayList<>();
        if (old.getDeletionTimestamp() != null) {
            Set<String> extra = new TreeSet<>(nullToEmpty(meta.getFinalizers()));
            extra.removeAll(nullToEmpty(old.getFinalizers()));
            if (!extra.isEmpty()) {
                errs.add(FieldError.forbidden("metadata.finalizers",
                        "no new finalizers can be added if the object is being deleted, found new finalizers "
                                + goStringSlice(extra)));
            }
        }
        immutable(errs, "metadata.name", meta.getName(), old.getName());
        immutable(errs, "metadata.namespace", meta.getNamespace(), old.getNamespace());
        immutable(errs, "metadata.uid", meta.getUid(), old.getUid());
        immutable(errs, "metadata.creationTimestamp", meta.getCreationTimestamp(), old.getCreationTimestamp());
        immutable(errs, "metadata.deletionTimestamp", meta.getDeletionTimestamp(), old.getDeletionTimestamp());
        immutable(errs, "metadata.deletionGracePeriodSeconds", meta.getDeletionGracePeriodSeconds(),
                old.getDeletionGracePeriodSeconds());
        errs.addAll(common(meta));
        return errs;
    }

    /**
     * Warnings kube-apiserver returns for metadata: a finalizer without a domain prefix that is not one of
     * the standard ones.
     */
    public static List<String> warnings(ObjectMeta meta) {
        List<String> warnings = new ArrayList<>();
        for (String f : nullToEmpty(meta.getFinalizers())) {
            if (!f.contains("/") && !STANDARD_FINALIZERS.contains(f) && NameValidation.qualifiedName(f).isEmpty()) {
                warnings.add("metadata.finalizers: \"" + f + "\": prefer a domain-qualified finalizer name including "
                        + "a path (/) to avoid accidental conflicts with other finalizer writers");
            }
        }
        return warnings;
    }

    private static List<FieldError> common(ObjectMeta meta) {
        List<FieldError> errs = new ArrayList<>();
        errs.addAll(validateLabels(meta.getLabels(), "metadata.labels"));
        errs.addAll(validateAnnotations(meta.getAnnotations(), "metadata.annotations"));
        errs.addAll(validateOwnerReferences(meta.getOwnerReferences(), "metadata.ownerReferences"));
        errs.addAll(validateFinalizers(meta.getFinalizers(), "metadata.finalizers"));
        return errs;
    }

    /**
     * apimachinery's {@code ValidateLabels}: qualified-name keys, label-syntax values, both reported at
     * {@code path} itself (kube does not add the key to the path), in key order.
     */
    public static List<FieldError> validateLabels(Map<String, String> labels, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (labels == null) {
            return errs;
        }
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            for (String msg : NameValidation.qualifiedName(e.getKey())) {
                errs.add(FieldError.invalid(path, e.getKey(), msg));
            }
            String value = e.getValue() == null ? "" : e.getValue();
            for (String msg : NameValidation.labelValue(value)) {
                errs.add(FieldError.invalid(path, value, msg));
            }
        }
        return errs;
    }

    /** apimachinery's {@code ValidateAnnotations}: qualified-name keys (any case), total size ≤ 256 KiB. */
    public static List<FieldError> validateAnnotations(Map<String, String> annotations, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (annotations == null) {
            return errs;
        }
        long size = 0;
        for (Map.Entry<String, String> e : new TreeMap<>(annotations).entrySet()) {
            for (String msg : NameValidation.qualifiedName(e.getKey().toLowerCase(Locale.ROOT))) {
                errs.add(FieldError.invalid(path, e.getKey(), msg));
            }
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length;
            size += e.getValue() == null ? 0 : e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
            errs.add(new FieldError(FieldError.Type.TOO_LONG, path, "",
                    "must have at most " + TOTAL_ANNOTATION_SIZE_LIMIT + " bytes"));
        }
        return errs;
    }

    /** apimachinery's {@code ValidateOwnerReferences}. */
    public static List<FieldError> validateOwnerReferences(List<OwnerReference> refs, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (refs == null) {
            return errs;
        }
        String firstController = null;
        for (OwnerReference ref : refs) {
            String apiVersion = ref.getApiVersion() == null ? "" : ref.getApiVersion();
            int slash = apiVersion.indexOf('/');
            String group = slash < 0 ? "" : apiVersion.substring(0, slash);
            String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
            String kind = ref.getKind() == null ? "" : ref.getKind();
            if (version.isEmpty()) {
                errs.add(FieldError.invalid(path + ".apiVersion", apiVersion, "version must not be empty"));
            }
            if (kind.isEmpty()) {
                errs.add(FieldError.invalid(path + ".kind", kind, "must not be empty"));
            }
            if (ref.getName() == null || ref.getName().isEmpty()) {
                errs.add(FieldError.invalid(path + ".name", "", "must not be empty"));
            }
            if (ref.getUid() == null || ref.getUid().isEmpty()) {
                errs.add(FieldError.invalid(path + ".uid", "", "must not be empty"));
            }
            if (group.isEmpty() && version.equals("v1") && kind.equals("Event")) {
                errs.add(FieldError.invalid(path, kind + "/" + ref.getName(),
                        "/v1, Kind=Event is disallowed from being an owner"));
            }
            if (Boolean.TRUE.equals(ref.getController())) {
                String current = kind + "/" + ref.getName();
                if (firstController != null) {
                    errs.add(FieldError.invalid(path, refs.size() + " references",
                            "Only one reference can have Controller set to true. Found \"true\" in references for "
                                    + firstController + " and " + current));
                } else {
                    firstController = current;
                }
            }
        }
        return errs;
    }

    /** apimachinery's {@code ValidateFinalizers}: qualified names, not both orphan and foregroundDeletion. */
    public static List<FieldError> validateFinalizers(List<String> finalizers, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (finalizers == null) {
            return errs;
        }
        for (String f : finalizers) {
            for (String msg : NameValidation.qualifiedName(f)) {
                errs.add(FieldError.invalid(path, f, msg));
            }
        }
        if (finalizers.contains("orphan") && finalizers.contains("foregroundDeletion")) {
            errs.add(FieldError.invalid(path, goStringSlice(finalizers),
                    "finalizer orphan and foregroundDeletion cannot be both set"));
        }
        return errs;
    }

    /** Adds "field is immutable" when the values differ (null and "" are the same, as in Go). */
    public static void immutable(List<FieldError> errs, String path, Object value, Object old) {
        Object v = "".equals(value) ? null : value;
        Object o = "".equals(old) ? null : old;
        if (!Objects.equals(v, o)) {
            errs.add(FieldError.invalid(path, value == null ? "" : value, FIELD_IMMUTABLE));
        }
    }

    private static List<String> nullToEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }

    /** Go's {@code %#v} of a []string, as kube renders it in messages. */
    static String goStringSlice(java.util.Collection<String> values) {
        StringBuilder b = new StringBuilder("[]string{");
        int i = 0;
        for (String v : values) {
            b.append(i++ == 0 ? "" : ", ").append('"').append(v).append('"');
        }
        return b.append('}').toString();
    }
}
