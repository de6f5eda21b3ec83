package dev.kapi.apiserver.endpoints.openapi;

import com.google.gson.annotations.SerializedName;
import io.swagger.annotations.ApiModel;
import io.swagger.annotations.ApiModelProperty;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * kube's own documentation of a built-in type, by the name kube's OpenAPI gives it
 * ({@code io.k8s.api.apps.v1.DeploymentSpec}): the type's description and each field's description and
 * required flag, as Kubernetes 1.32's OpenAPI has them. They are read from the runtime annotations of
 * client-java-api's models, which are generated from that document: {@code @ApiModel(description)} on the
 * class, {@code @ApiModelProperty(value, required)} on the getter of each field, whose JSON name is its
 * {@code @SerializedName}. The model of {@code io.k8s.api.apps.v1.DeploymentSpec} is {@code V1DeploymentSpec};
 * where two groups have a type of one name and version, client-java prefixes the group
 * ({@code CoreV1Event}, {@code EventsV1Event}); unversioned packages are prefixed with their package
 * ({@code io.k8s.apimachinery.pkg.version.Info} is {@code VersionInfo}). Each type is read once, on first
 * use, and kept (its text is what the documents carry anyway); thread-safe.
 */
final class KubeDocs {

    /** A field's documentation: its description ("" when none) and whether kube's schema requires it. */
    record FieldDoc(String description, boolean required) {
    }

    /** A type's documentation: its description and its fields' by JSON name, in client-java's order. */
    record TypeDoc(String description, Map<String, FieldDoc> fields) {

        /** The JSON names of the required fields. */
        List<String> required() {
            List<String> out = new ArrayList<>();
            fields.forEach((name, f) -> {
                if (f.required()) {
                    out.add(name);
                }
            });
            return out;
        }
    }

    private static final String MODELS = "io.kubernetes.client.openapi.models.";
    private static final Pattern VERSION = Pattern.compile("v\\d+((alpha|beta)\\d+)?");
    private static final Map<String, Optional<TypeDoc>> READ = new ConcurrentHashMap<>();

    private KubeDocs() {
    }

    /** kube's packages: a schema named in one is a built-in type (a custom resource's is named by its group). */
    private static final List<String> KUBE_PACKAGES = List.of("io.k8s.api.", "io.k8s.apimachinery.",
            "io.k8s.apiextensions-apiserver.", "io.k8s.kube-aggregator.");

    /** The documentation of the definition named {@code name} if it is a built-in type client-java models, else null. */
    static TypeDoc forDefinition(String name) {
        return KUBE_PACKAGES.stream().anyMatch(name::startsWith) ? of(name) : null;
    }

    /** The documentation of the type kube names {@code kubeName}, or null when client-java has no model of it. */
    static TypeDoc of(String kubeName) {
        return READ.computeIfAbsent(kubeName, n -> Optional.ofNullable(read(n))).orElse(null);
    }

    private static TypeDoc read(String kubeName) {
        for (String candidate : modelNames(kubeName)) {
            Class<?> model = load(candidate);
            if (model != null) {
                return document(model);
            }
        }
        return null;
    }

    /**
     * The client-java classes that may model {@code kubeName}, most specific first: the group-prefixed name
     * ({@code EventsV1Event}) then the plain one ({@code V1Event}); for a package without a version, the
     * package-prefixed name ({@code VersionInfo}).
     */
    static List<String> modelNames(String kubeName) {
        String[] parts = kubeName.split("\\.");
        if (parts.length < 3) {
            return List.of();
        }
        String kind = parts[parts.length - 1];
        String version = parts[parts.length - 2];
        String group = parts[parts.length - 3];
        if (!VERSION.matcher(version).matches()) {
            return List.of(MODELS + capitalize(version) + kind);
        }
        return List.of(MODELS + capitalize(group) + capitalize(version) + kind, MODELS + capitalize(version) + kind);
    }

    private static TypeDoc document(Class<?> model) {
        ApiModel api = model.getAnnotation(ApiModel.class);
        Map<String, Method> getters = new HashMap<>();
        for (Method m : model.getDeclaredMethods()) {
            if (m.getParameterCount() == 0 && m.isAnnotationPresent(ApiModelProperty.class)) {
                getters.put(m.getName().toLowerCase(Locale.ROOT), m);
            }
        }
        Map<String, FieldDoc> fields = new LinkedHashMap<>();
        for (Field f : model.getDeclaredFields()) {
            SerializedName json = f.getAnnotation(SerializedName.class);
            if (json == null || Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            // the getter of field _default is getDefault, of $ref get$Ref
            Method getter = getters.get("get" + f.getName().replaceFirst("^_", "").toLowerCase(Locale.ROOT));
            ApiModelProperty p = getter == null ? null : getter.getAnnotation(ApiModelProperty.class);
            fields.put(json.value(), new FieldDoc(p == null ? "" : p.value(), p != null && p.required()));
        }
        return new TypeDoc(api == null ? "" : api.description(), Collections.unmodifiableMap(fields));
    }

    private static Class<?> load(String className) {
        try {
            return Class.forName(className, false, KubeDocs.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
