package dev.kapi.apiserver.cel;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.kapi.apiserver.api.GoQuote;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's CEL semver library, parsing as the {@code blang/semver} package kube uses (with its error messages):
 * {@code semver(s)}, {@code semver(s, normalize)}, {@code isSemver(s)}, {@code isSemver(s, normalize)} and on a
 * version {@code major()}, {@code minor()}, {@code patch()}, {@code isGreaterThan(v)}, {@code isLessThan(v)},
 * {@code compareTo(v)}; {@code ==} compares by precedence (build metadata ignored). Normalizing drops a leading
 * {@code v} and leading zeros and fills a missing minor or patch with 0.
 */
public final class KubeSemvers {

    static final OpaqueType TYPE = OpaqueType.create("kubernetes.Semver");
    private static final String ALPHANUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";

    /** A version; a pre-release identifier is a {@link Long} (numeric, unsigned) or a {@link String}. */
    record Semver(long major, long minor, long patch, List<Object> pre, List<String> build)
            implements Comparable<Semver> {

        @Override
        public int compareTo(Semver o) {
            int c = Long.compareUnsigned(major, o.major);
            c = c != 0 ? c : Long.compareUnsigned(minor, o.minor);
            c = c != 0 ? c : Long.compareUnsigned(patch, o.patch);
            if (c != 0) {
                return Integer.signum(c);
            }
            if (pre.isEmpty() || o.pre.isEmpty()) {
                return pre.isEmpty() == o.pre.isEmpty() ? 0 : pre.isEmpty() ? 1 : -1;
            }
            for (int i = 0; i < Math.min(pre.size(), o.pre.size()); i++) {
                Object a = pre.get(i);
                Object b = o.pre.get(i);
                if (a instanceof Long x && b instanceof Long y) {
                    c = Long.compareUnsigned(x, y);
                } else if (a instanceof Long || b instanceof Long) {
                    c = a instanceof Long ? -1 : 1;
                } else {
                    c = ((String) a).compareTo((String) b);
                }
                if (c != 0) {
                    return Integer.signum(c);
                }
            }
            return Integer.compare(pre.size(), o.pre.size());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Semver s && compareTo(s) == 0;
        }

        @Override
        public int hashCode() {
            return List.of(major, minor, patch, pre).hashCode();
        }
    }

    private KubeSemvers() {
    }

    public static List<CelFunctionDecl> declarations() {
        return List.of(
                CelFunctionDecl.newFunctionDeclaration("semver",
                        CelOverloadDecl.newGlobalOverload("string_to_semver", TYPE, SimpleType.STRING),
                        CelOverloadDecl.newGlobalOverload("string_bool_to_semver", TYPE, SimpleType.STRING,
                                SimpleType.BOOL)),
                CelFunctionDecl.newFunctionDeclaration("isSemver",
                        CelOverloadDecl.newGlobalOverload("is_semver_string", SimpleType.BOOL, SimpleType.STRING),
                        CelOverloadDecl.newGlobalOverload("is_semver_string_bool", SimpleType.BOOL, SimpleType.STRING,
                                SimpleType.BOOL)),
                member("major", "semver_major", SimpleType.INT),
                member("minor", "semver_minor", SimpleType.INT),
                member("patch", "semver_patch", SimpleType.INT),
                member("isGreaterThan", "semver_is_greater_than", SimpleType.BOOL, TYPE),
                member("isLessThan", "semver_is_less_than", SimpleType.BOOL, TYPE),
                member("compareTo", "semver_compare_to", SimpleType.INT, TYPE));
    }

    public static List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("string_to_semver", String.class, s -> parse(s, false)),
                CelFunctionBinding.from("string_bool_to_semver", String.class, Boolean.class, KubeSemvers::parse),
                CelFunctionBinding.from("is_semver_string", String.class, s -> isSemver(s, false)),
                CelFunctionBinding.from("is_semver_string_bool", String.class, Boolean.class, KubeSemvers::isSemver),
                CelFunctionBinding.from("semver_major", Semver.class, Semver::major),
                CelFunctionBinding.from("semver_minor", Semver.class, Semver::minor),
                CelFunctionBinding.from("semver_patch", Semver.class, Semver::patch),
                CelFunctionBinding.from("semver_is_greater_than", Semver.class, Semver.class,
                        (a, b) -> a.compareTo(b) > 0),
                CelFunctionBinding.from("semver_is_less_than", Semver.class, Semver.class,
                        (a, b) -> a.compareTo(b) < 0),
                CelFunctionBinding.from("semver_compare_to", Semver.class, Semver.class,
                        (a, b) -> (long) a.compareTo(b)));
    }

    private static boolean isSemver(String s, boolean normalize) {
        try {
            parse(s, normalize);
            return true;
        } catch (CelEvaluationException e) {
            return false;
        }
    }

    static Semver parse(String s, boolean normalize) throws CelEvaluationException {
        return strict(normalize ? normalized(s) : s);
    }

    /** kube's normalizeAndParse, up to the strict parse. */
    private static String normalized(String s) throws CelEvaluationException {
        String[] parts = (s.startsWith("v") ? s.substring(1) : s).split("\\.", 3);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.length() > 1) {
                p = p.replaceFirst("^0+", "");
                if (p.isEmpty() || p.charAt(0) < '0' || p.charAt(0) > '9') {
                    p = "0" + p;
                }
                parts[i] = p;
            }
        }
        List<String> all = new ArrayList<>(List.of(parts));
        if (all.size() < 3) {
            String last = all.get(all.size() - 1);
            if (last.contains("+") || last.contains("-")) {
                throw new CelEvaluationException("short version cannot contain PreRelease/Build meta data");
            }
            while (all.size() < 3) {
                all.add("0");
            }
        }
        return String.join(".", all);
    }

    /** blang/semver's Parse. */
    private static Semver strict(String s) throws CelEvaluationException {
        if (s.isEmpty()) {
            throw new CelEvaluationException("Version string empty");
        }
        String[] parts = s.split("\\.", 3);
        if (parts.length != 3) {
            throw new CelEvaluationException("No Major.Minor.Patch elements found");
        }
        long major = number(parts[0], "major");
        long minor = number(parts[1], "minor");
        String patch = parts[2];
        List<String> build = List.of();
        List<Object> pre = new ArrayList<>();
        int plus = patch.indexOf('+');
        if (plus >= 0) {
            build = List.of(patch.substring(plus + 1).split("\\.", -1));
            patch = patch.substring(0, plus);
        }
        int dash = patch.indexOf('-');
        List<String> preParts = List.of();
        if (dash >= 0) {
            preParts = List.of(patch.substring(dash + 1).split("\\.", -1));
            patch = patch.substring(0, dash);
        }
        long p = number(patch, "patch");
        for (String id : preParts) {
            if (id.isEmpty()) {
                throw new CelEvaluationException("Prerelease is empty");
            }
            if (only(id, "0123456789")) {
                if (id.length() > 1 && id.charAt(0) == '0') {
                    throw new CelEvaluationException(
                            "Numeric PreRelease version must not contain leading zeroes " + GoQuote.quote(id));
                }
                pre.add(unsigned(id));
            } else if (only(id, ALPHANUM)) {
                pre.add(id);
            } else {
                throw new CelEvaluationException("Invalid character(s) found in prerelease " + GoQuote.quote(id));
            }
        }
        for (String b : build) {
            if (b.isEmpty()) {
                throw new CelEvaluationException("Build meta data is empty");
            }
            if (!only(b, ALPHANUM)) {
                throw new CelEvaluationException("Invalid character(s) found in build meta data " + GoQuote.quote(b));
            }
        }
        return new Semver(major, minor, p, List.copyOf(pre), build);
    }

    private static long number(String s, String part) throws CelEvaluationException {
        if (!only(s, "0123456789")) {
            throw new CelEvaluationException("Invalid character(s) found in " + part + " number " + GoQuote.quote(s));
        }
        if (s.length() > 1 && s.charAt(0) == '0') {
            throw new CelEvaluationException(Character.toUpperCase(part.charAt(0)) + part.substring(1)
                    + " number must not contain leading zeroes " + GoQuote.quote(s));
        }
        return unsigned(s);
    }

    /** Go's strconv.ParseUint(s, 10, 64) of a string of digits. */
    private static long unsigned(String s) throws CelEvaluationException {
        if (s.isEmpty()) {
            throw new CelEvaluationException("strconv.ParseUint: parsing \"\": invalid syntax");
        }
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new CelEvaluationException("strconv.ParseUint: parsing " + GoQuote.quote(s) + ": value out of range");
        }
    }

    private static boolean only(String s, String allowed) {
        return s.chars().allMatch(c -> allowed.indexOf(c) >= 0);
    }

    private static CelFunctionDecl member(String name, String id, CelType result, CelType... args) {
        CelType[] all = new CelType[args.length + 1];
        all[0] = TYPE;
        System.arraycopy(args, 0, all, 1, args.length);
        return CelFunctionDecl.newFunctionDeclaration(name, CelOverloadDecl.newMemberOverload(id, result, all));
    }
}
