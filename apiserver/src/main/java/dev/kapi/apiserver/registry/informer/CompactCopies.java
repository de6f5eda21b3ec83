package dev.kapi.apiserver.registry.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.lang.invoke.MethodHandle;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * What informers keep: a deep copy of an object, made small, since a controller's informers hold every object
 * of their resources for as long as the server runs.
 *
 * <ul>
 * <li>{@code metadata.managedFields} are left out, as kube's {@code TransformStripManagedFields} that
 *     kube-controller-manager and kube-scheduler set on their informers: controllers never read them, and as
 *     nested maps they are often larger than the rest of the object. Writing such an object back keeps the
 *     stored ones (an update without managedFields keeps the live ones).
 * <li>Every empty list or map becomes the shared immutable empty one. A fabric8 object makes each of its lists
 *     and maps up front (an {@code additionalProperties} map in every object, nested ones included), so a
 *     decoded Pod carries a hundred or so empty collections.
 * <li>Short strings are interned: namespaces, label keys and values, images, container and port names repeat
 *     across objects.
 * <li>Small maps of such strings or of quantities (labels, resource requests and limits) are shared
 *     ({@link SharedMaps}), unmodifiable.
 * </ul>
 *
 * <p>The object given is left as it is (it is shared with other watchers). Objects an informer hands out were
 * never to be changed in place; with this, changing an empty list or map, or a shared map, of one throws.
 */
public final class CompactCopies {

    /** Strings longer than this are copied by reference, not interned (annotations holding whole documents). */
    static final int INTERNED_LENGTH = 64;
    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";
    private static final Map<Class<?>, Copier> COPIERS = new ConcurrentHashMap<>();
    private static final Map<Version, Canonical> CANONICAL = new ConcurrentHashMap<>();
    private static final ReferenceQueue<Object> CLEARED = new ReferenceQueue<>();
    private static final int RECENT_SLOTS = 1 << 13;
    /** Canonical (interned) strings by hash slot, see {@link #intern}: racy on purpose, strings are immutable. */
    private static final String[] RECENT = new String[RECENT_SLOTS];

    private CompactCopies() {
    }

    /** The transform for an {@link Informer} that keeps whole objects. */
    public static <T extends HasMetadata> UnaryOperator<T> transform() {
        return CompactCopies::copy;
    }

    /**
     * The transform for the informers of whole objects that several components keep (kube-controller-manager's
     * and kube-scheduler's informers of Pods, each a component of its own): informers given the same version
     * of an object (type, apiVersion, uid and resourceVersion) keep the same compact copy, made once, instead of
     * one each. The copies are held weakly here: one no informer keeps any more is forgotten.
     */
    public static <T extends HasMetadata> UnaryOperator<T> sharedTransform() {
        return CompactCopies::canonical;
    }

    @SuppressWarnings("unchecked")
    private static <T extends HasMetadata> T canonical(T obj) {
        for (Object cleared; (cleared = CLEARED.poll()) != null; ) {
            CANONICAL.remove(((Canonical) cleared).key, cleared);
        }
        ObjectMeta m = obj.getMetadata();
        if (m == null || m.getUid() == null || m.getResourceVersion() == null) {
            return copy(obj);
        }
        Version key = new Version(obj.getClass(), obj.getApiVersion(), m.getUid(), m.getResourceVersion());
        Canonical known = CANONICAL.get(key);
        Object hit = known == null ? null : known.get();
        if (hit != null) {
            return (T) hit;
        }
        T made = copy(obj);
        CANONICAL.put(key, new Canonical(made, key)); // two made at once: either is right, the last one is kept
        return made;
    }

    /** One stored version of an object: the same one always decodes to the same content. */
    private record Version(Class<?> type, String apiVersion, String uid, String resourceVersion) {
    }

    private static final class Canonical extends WeakReference<Object> {
        final Version key;

        Canonical(Object copy, Version key) {
            super(copy, CLEARED);
            this.key = key;
        }
    }

    /** The transform for an {@link Informer} that keeps a {@code view} of each object, made compact in turn. */
    public static <T extends HasMetadata> UnaryOperator<T> transform(UnaryOperator<T> view) {
        return obj -> copy(view.apply(obj));
    }

    /** A compact deep copy of {@code obj} (a fabric8 model object, list, map or value), as above. */
    @SuppressWarnings("unchecked")
    public static <T> T copy(T obj) {
        return (T) value(obj);
    }

    private static Object value(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s.length() <= INTERNED_LENGTH ? intern(s) : s;
        }
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                return Map.of();
            }
            Map<Object, Object> copy = LinkedHashMap.newLinkedHashMap(m.size());
            m.forEach((k, e) -> copy.put(value(k), value(e)));
            Map<Object, Object> shared = SharedMaps.of(copy);
            return shared != null ? shared : copy;
        }
        if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                return List.of();
            }
            List<Object> copy = new ArrayList<>(l.size());
            l.forEach(e -> copy.add(value(e)));
            return copy;
        }
        Class<?> type = v.getClass();
        if (type.getPackageName().startsWith(MODEL_PACKAGE) && !type.isEnum()) {
            return COPIERS.computeIfAbsent(type, Copier::of).copy(v);
        }
        return v; // numbers, booleans, enums and anything else kept as they are
    }

    /**
     * {@code s.intern()}, remembering the last canonical string of each of {@value #RECENT_SLOTS} hash slots: the
     * strings that repeat (namespaces, label keys and values, images, phases) are found there without the JVM's
     * string table, which costs about a third of a copy; a race on a slot only costs a call to {@code intern}.
     */
    static String intern(String s) {
        int slot = s.hashCode() & (RECENT_SLOTS - 1);
        String known = RECENT[slot];
        if (known != null && known.equals(s)) {
            return known;
        }
        String canonical = s.intern();
        RECENT[slot] = canonical;
        return canonical;
    }

    /**
     * Copies the instance fields of one model class (and its superclasses) into a new instance; a class that
     * cannot be made (no constructor without arguments) has no constructor here, and its objects are shared.
     */
    private record Copier(MethodHandle constructor, List<MethodHandle[]> fields) {

        static Copier of(Class<?> type) {
            try {
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
                MethodHandle constructor = lookup.findConstructor(type, java.lang.invoke.MethodType.methodType(void.class));
                List<MethodHandle[]> fields = new ArrayList<>();
                for (Class<?> t = type; t != null && t != Object.class; t = t.getSuperclass()) {
                    MethodHandles.Lookup own = MethodHandles.privateLookupIn(t, MethodHandles.lookup());
                    for (Field f : t.getDeclaredFields()) {
                        if (Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())) {
                            continue;
                        }
                        MethodHandle setter = own.unreflectSetter(f);
                        MethodHandle getter = t == ObjectMeta.class && f.getName().equals("managedFields")
                                ? MethodHandles.dropArguments(MethodHandles.constant(List.class, null), 0, type)
                                : own.unreflectGetter(f);
                        fields.add(new MethodHandle[] {getter, setter});
                    }
                }
                return new Copier(constructor, List.copyOf(fields));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return new Copier(null, List.of()); // no way to make one (no constructor without arguments): shared
            }
        }

        Object copy(Object obj) {
            if (constructor == null) {
                return obj;
            }
            try {
                Object copy = constructor.invoke();
                for (MethodHandle[] f : fields) {
                    f[1].invoke(copy, value(f[0].invoke(obj)));
                }
                return copy;
            } catch (Throwable e) {
                throw new IllegalStateException("cannot copy a " + obj.getClass().getName(), e);
            }
        }
    }
}
