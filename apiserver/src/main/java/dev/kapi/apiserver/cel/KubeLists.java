package dev.kapi.apiserver.cel;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;

/**
 * kube's CEL lists library: {@code isSorted()}, {@code sum()}, {@code min()}, {@code max()},
 * {@code indexOf(x)} and {@code lastIndexOf(x)} on lists of comparable values (int, double, string, bool).
 */
public final class KubeLists {

    private static final CelType T = TypeParamType.create("T");
    private static final CelType LIST_T = ListType.create(T);

    private KubeLists() {
    }

    public static List<CelFunctionDecl> declarations() {
        return List.of(
                CelFunctionDecl.newFunctionDeclaration("isSorted",
                        CelOverloadDecl.newMemberOverload("list_is_sorted", SimpleType.BOOL, LIST_T)),
                CelFunctionDecl.newFunctionDeclaration("sum",
                        CelOverloadDecl.newMemberOverload("list_int_sum", SimpleType.INT, ListType.create(SimpleType.INT)),
                        CelOverloadDecl.newMemberOverload("list_double_sum", SimpleType.DOUBLE,
                                ListType.create(SimpleType.DOUBLE))),
                CelFunctionDecl.newFunctionDeclaration("min",
                        CelOverloadDecl.newMemberOverload("list_min", T, LIST_T)),
                CelFunctionDecl.newFunctionDeclaration("max",
                        CelOverloadDecl.newMemberOverload("list_max", T, LIST_T)),
                CelFunctionDecl.newFunctionDeclaration("indexOf",
                        CelOverloadDecl.newMemberOverload("list_index_of", SimpleType.INT, LIST_T, T)),
                CelFunctionDecl.newFunctionDeclaration("lastIndexOf",
                        CelOverloadDecl.newMemberOverload("list_last_index_of", SimpleType.INT, LIST_T, T)));
    }

    public static List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("list_is_sorted", List.class, KubeLists::isSorted),
                CelFunctionBinding.from("list_int_sum", List.class, l -> sumInts(l)),
                CelFunctionBinding.from("list_double_sum", List.class, l -> sumDoubles(l)),
                CelFunctionBinding.from("list_min", List.class, l -> extreme(l, "min", -1)),
                CelFunctionBinding.from("list_max", List.class, l -> extreme(l, "max", 1)),
                CelFunctionBinding.from("list_index_of", List.class, Object.class, (l, v) -> (long) l.indexOf(v)),
                CelFunctionBinding.from("list_last_index_of", List.class, Object.class,
                        (l, v) -> (long) l.lastIndexOf(v)));
    }

    private static boolean isSorted(List<?> list) throws CelEvaluationException {
        for (int i = 1; i < list.size(); i++) {
            if (compare(list.get(i - 1), list.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }

    private static long sumInts(List<?> list) throws CelEvaluationException {
        long sum = 0;
        for (Object o : list) {
            try {
                sum = Math.addExact(sum, (Long) o);
            } catch (ArithmeticException e) {
                throw new CelEvaluationException("integer overflow");
            }
        }
        return sum;
    }

    private static double sumDoubles(List<?> list) {
        double sum = 0;
        for (Object o : list) {
            sum += (Double) o;
        }
        return sum;
    }

    private static Object extreme(List<?> list, String name, int sign) throws CelEvaluationException {
        if (list.isEmpty()) {
            throw new CelEvaluationException(name + " called on empty list");
        }
        Object best = list.get(0);
        for (Object o : list) {
            if (compare(o, best) * sign > 0) {
                best = o;
            }
        }
        return best;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) throws CelEvaluationException {
        if (a instanceof Comparable ca && b != null && a.getClass() == b.getClass()) {
            return ca.compareTo(b);
        }
        throw new CelEvaluationException("no such overload");
    }
}
