package dev.kapi.apiserver.endpoints.patch;

import io.fabric8.zjsonpatch.CompatibilityFlags;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import io.fabric8.zjsonpatch.JsonPatchProcessor;
import io.fabric8.zjsonpatch.JsonPointer;
import io.fabric8.zjsonpatch.JsonPointerEvaluationException;
import tools.jackson.databind.JsonNode;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;

/**
 * RFC 6902 through zjsonpatch, with kube-apiserver's limit on what {@code copy} operations may add up to
 * ({@code JSONPatchMaxCopyBytes}, 3 MiB). Without it, a few kilobytes of patch that copy a value into itself
 * round after round double the object each time, and one request fills the heap.
 *
 * <p>zjsonpatch has no such option, and its operation loop ({@code JsonPatch.process}) and in-place processor are
 * not public: they are reached by reflection once, and every operation passes through {@link Counting}, which
 * measures each copied value before the copy. {@code CopyLimitedJsonPatchTest} fails at once if a zjsonpatch
 * version moves them.
 */
final class CopyLimitedJsonPatch {

    /** kube-apiserver's {@code JSONPatchMaxCopyBytes}. */
    static final long MAX_COPY_BYTES = 3L * 1024 * 1024;

    private static final Method PROCESS;
    private static final Constructor<?> IN_PLACE;
    private static final Method RESULT;

    static {
        try {
            PROCESS = JsonPatch.class.getDeclaredMethod("process", JsonNode.class, JsonPatchProcessor.class,
                    EnumSet.class);
            PROCESS.setAccessible(true);
            Class<?> inPlace = Class.forName("io.fabric8.zjsonpatch.InPlaceApplyProcessor");
            IN_PLACE = inPlace.getDeclaredConstructor(JsonNode.class, EnumSet.class);
            IN_PLACE.setAccessible(true);
            RESULT = inPlace.getDeclaredMethod("result");
            RESULT.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private CopyLimitedJsonPatch() {
    }

    /** Applies {@code ops} to {@code target} in place and returns the result (the target, or its replacement). */
    static JsonNode apply(JsonNode ops, JsonNode target, EnumSet<CompatibilityFlags> flags) {
        try {
            JsonPatchProcessor inPlace = (JsonPatchProcessor) IN_PLACE.newInstance(target, flags);
            PROCESS.invoke(null, ops, new Counting(inPlace), flags);
            return (JsonNode) RESULT.invoke(inPlace);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new LinkageError("zjsonpatch failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new LinkageError("zjsonpatch's in-place processor cannot be used", e);
        }
    }

    /** Passes every operation on, counting the bytes each copy adds. */
    private static final class Counting implements JsonPatchProcessor {

        private final JsonPatchProcessor next;
        private long copied;

        Counting(JsonPatchProcessor next) {
            this.next = next;
        }

        @Override
        public void copy(JsonPointer from, JsonPointer path) throws JsonPointerEvaluationException {
            JsonNode source = from.evaluate(current());
            copied += sizeAtMost(source, MAX_COPY_BYTES - copied + 1);
            if (copied > MAX_COPY_BYTES) {
                throw new JsonPatchException("Unable to copy, would exceed the limit of " + MAX_COPY_BYTES
                        + " bytes copied by a JSON patch");
            }
            next.copy(from, path);
        }

        private JsonNode current() {
            try {
                return (JsonNode) RESULT.invoke(next);
            } catch (ReflectiveOperationException e) {
                throw new LinkageError("zjsonpatch's in-place processor cannot be used", e);
            }
        }

        @Override
        public void remove(JsonPointer path) throws JsonPointerEvaluationException {
            next.remove(path);
        }

        @Override
        public void replace(JsonPointer path, JsonNode value) throws JsonPointerEvaluationException {
            next.replace(path, value);
        }

        @Override
        public void add(JsonPointer path, JsonNode value) throws JsonPointerEvaluationException {
            next.add(path, value);
        }

        @Override
        public void move(JsonPointer from, JsonPointer path) throws JsonPointerEvaluationException {
            next.move(from, path);
        }

        @Override
        public void test(JsonPointer path, JsonNode value) throws JsonPointerEvaluationException {
            next.test(path, value);
        }
    }

    /**
     * About the bytes of {@code node} as compact JSON, counted until {@code budget} is passed (then any larger
     * figure): an object or array is its brackets and commas, a field its quoted name and colon.
     */
    static long sizeAtMost(JsonNode node, long budget) {
        long size = 0;
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(node);
        while (!todo.isEmpty() && size <= budget) {
            JsonNode n = todo.pop();
            if (n.isObject()) {
                size += 2;
                for (var field : n.properties()) {
                    size += field.getKey().length() + 4;
                    todo.push(field.getValue());
                }
            } else if (n.isArray()) {
                size += 2;
                for (JsonNode item : n) {
                    size += 1;
                    todo.push(item);
                }
            } else if (n.isString()) {
                size += n.stringValue().length() + 2;
            } else {
                size += n.toString().length();
            }
        }
        return size;
    }
}
