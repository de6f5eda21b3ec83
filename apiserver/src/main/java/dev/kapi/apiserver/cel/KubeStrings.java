package dev.kapi.apiserver.cel;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationExceptionBuilder;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;

/**
 * {@code replace} and {@code join} of the strings extension, bound in place of cel-java's (same overload ids,
 * same results: Go's {@code strings.Replace} and {@code strings.Join}) so that the length of the result is
 * computed first and a result that would not fit in the evaluation's cost budget is refused before it is built
 * ({@link RuntimeCost#reserveString}): {@code s.replace('', k).replace('', k)} must fail, not fill the heap.
 */
public final class KubeStrings {

    private static final int PRESIZE_MAX = 1 << 24;

    private KubeStrings() {
    }

    /** Bindings that take the place of cel-java's (it binds an overload id only if not yet bound). */
    public static List<CelFunctionBinding> bindings() {
        List<Class<?>> three = List.of(String.class, String.class, String.class);
        List<Class<?>> four = List.of(String.class, String.class, String.class, Long.class);
        return List.of(
                CelFunctionBinding.from("string_replace_string_string", three,
                        a -> replace((String) a[0], (String) a[1], (String) a[2], -1)),
                CelFunctionBinding.from("string_replace_string_string_int", four,
                        a -> replace((String) a[0], (String) a[1], (String) a[2], limit((Long) a[3]))),
                CelFunctionBinding.from("list_join", List.class, l -> join(l, "")),
                CelFunctionBinding.from("list_join_string", List.class, String.class, KubeStrings::join));
    }

    private static int limit(long n) throws CelEvaluationException {
        if (n != (int) n) {
            throw CelEvaluationExceptionBuilder.newBuilder(
                    "replace failure: Index must not exceed the int32 range: %d", n).build();
        }
        return (int) n;
    }

    /**
     * {@code text} with the first {@code limit} (all when negative) occurrences of {@code old} replaced by
     * {@code with}; an empty {@code old} matches before each code point and at the end.
     */
    static String replace(String text, String old, String with, int limit) {
        if (old.equals(with) || limit == 0) {
            return text;
        }
        long count = occurrences(text, old, limit < 0 ? Long.MAX_VALUE : limit);
        long length = text.length() + count * ((long) with.length() - old.length());
        RuntimeCost.reserveString(length);
        if (count == 0) {
            return text;
        }
        StringBuilder out = new StringBuilder((int) Math.min(length, PRESIZE_MAX));
        int i = 0;
        for (long n = 0; n < count; n++) {
            if (old.isEmpty()) {
                out.append(with);
                if (i < text.length()) {
                    int next = text.offsetByCodePoints(i, 1);
                    out.append(text, i, next);
                    i = next;
                }
            } else {
                int at = text.indexOf(old, i);
                out.append(text, i, at).append(with);
                i = at + old.length();
            }
        }
        return out.append(text, i, text.length()).toString();
    }

    private static long occurrences(String text, String old, long max) {
        if (old.isEmpty()) {
            return Math.min(max, text.codePointCount(0, text.length()) + 1L);
        }
        long n = 0;
        for (int at = text.indexOf(old); at >= 0 && n < max; at = text.indexOf(old, at + old.length())) {
            n++;
        }
        return n;
    }

    /**
     * The elements of {@code list} joined by {@code separator}; an element that is no string (a list of dyn, e.g.
     * from an unstructured field) fails the call with cel-go's {@code join: invalid input: <element>}.
     */
    static String join(List<?> list, String separator) throws CelEvaluationException {
        long length = (long) separator.length() * Math.max(0, list.size() - 1);
        for (Object e : list) {
            if (!(e instanceof String s)) {
                throw CelEvaluationExceptionBuilder.newBuilder("join: invalid input: %s", e).build();
            }
            length += s.length();
        }
        RuntimeCost.reserveString(length);
        StringBuilder out = new StringBuilder((int) Math.min(length, PRESIZE_MAX));
        boolean first = true;
        for (Object e : list) {
            out.append(first ? "" : separator).append(e);
            first = false;
        }
        return out.toString();
    }
}
