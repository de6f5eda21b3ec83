package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ReadRevision;

import java.util.ArrayList;
import java.util.List;

/**
 * kube's {@code resourceVersion}, {@code resourceVersionMatch}, {@code limit} and {@code continue} of a get
 * or list, turned into the storage read that serves them ({@link ReadRevision}), with kube's answers to
 * invalid combinations: apimachinery's {@code ValidateListOptions} (422 on {@code ListOptions.meta.k8s.io},
 * every error at once) and the etcd3 store's 400s.
 *
 * <p>Example: {@code ?resourceVersion=120&limit=500} is an EXACT read at 120 (kube's legacy rule: a limit
 * makes a resourceVersion exact), {@code ?resourceVersion=120} and
 * {@code ?resourceVersion=120&resourceVersionMatch=NotOlderThan} are NOT_OLDER_THAN 120,
 * {@code ?resourceVersion=0&limit=500} is ANY, {@code ?continue=t&resourceVersion=0} is a continuation, and
 * {@code ?continue=t&resourceVersion=120} is a 400.
 */
final class ResourceVersions {

    static final String EXACT = "Exact";
    static final String NOT_OLDER_THAN = "NotOlderThan";

    private ResourceVersions() {
    }

    /** The read of a get with {@code resourceVersion} ("" or null when absent). */
    static GetOptions get(String resourceVersion) {
        String rv = orEmpty(resourceVersion);
        if (rv.isEmpty()) {
            return GetOptions.MOST_RECENT;
        }
        long minimum = parse(rv);
        return minimum == 0 ? GetOptions.ANY : GetOptions.notOlderThan(minimum);
    }

    /**
     * The first storage read of a list page of at most {@code limit} entries (0 = all) after
     * {@code continueToken} (null or "" = from the start).
     *
     * @throws StatusError 422 for kube's ListOptions validation errors, 400 for a resourceVersion that is not
     *                     a revision or that comes with a continue token
     */
    static ListOptions list(String resourceVersion, String resourceVersionMatch, long limit, String continueToken) {
        String rv = orEmpty(resourceVersion);
        String match = orEmpty(resourceVersionMatch);
        String token = orEmpty(continueToken);
        validate(rv, match, token);
        long revision = rv.isEmpty() ? 0 : parse(rv);
        if (!token.isEmpty()) {
            if (!rv.isEmpty() && !rv.equals("0")) {
                throw StatusError.badRequest("specifying resource version is not allowed when using continue");
            }
            return ListOptions.continueFrom(token, limit);
        }
        return new ListOptions(listRead(rv, match, revision, limit), limit, null);
    }

    private static ReadRevision listRead(String rv, String match, long revision, long limit) {
        if (rv.isEmpty()) {
            return ReadRevision.MOST_RECENT;
        }
        if (revision == 0) {
            // "0" is any; so is a spelling of 0 such as "00", which kube's Exact reads at the latest revision
            return match.equals(EXACT) ? ReadRevision.MOST_RECENT : ReadRevision.ANY;
        }
        if (match.equals(EXACT) || (match.isEmpty() && limit > 0)) {
            return ReadRevision.exact(revision);
        }
        return ReadRevision.notOlderThan(revision);
    }

    /** apimachinery's ValidateListOptions for a list (not a watch), its errors in its order. */
    private static void validate(String rv, String match, String token) {
        if (match.isEmpty()) {
            return;
        }
        List<FieldError> errs = new ArrayList<>();
        if (rv.isEmpty()) {
            errs.add(FieldError.forbidden("resourceVersionMatch",
                    "resourceVersionMatch is forbidden unless resourceVersion is provided"));
        }
        if (!token.isEmpty()) {
            errs.add(FieldError.forbidden("resourceVersionMatch",
                    "resourceVersionMatch is forbidden when continue is provided"));
        }
        if (!match.equals(EXACT) && !match.equals(NOT_OLDER_THAN)) {
            errs.add(FieldError.notSupported("resourceVersionMatch", match, List.of(EXACT, NOT_OLDER_THAN, "")));
        }
        if (match.equals(EXACT) && rv.equals("0")) {
            errs.add(FieldError.forbidden("resourceVersionMatch",
                    "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
        }
        if (!errs.isEmpty()) {
            throw StatusError.invalid("ListOptions", "meta.k8s.io", "", errs);
        }
    }

    /** A resourceVersion as a revision (0 for "0"). */
    static long parse(String rv) {
        try {
            long v = Long.parseLong(rv);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw StatusError.badRequest("invalid resource version: \"" + rv + "\"");
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
