package dev.kapi.apiserver.storage;

/**
 * Builds storage keys exactly as kube-apiserver lays them out:
 * {@code <prefix>/<resource>/<namespace>/<name>} for namespaced objects and
 * {@code <prefix>/<resource>/<name>} for cluster-scoped ones. Every segment is checked, so a name can
 * never climb out of its folder or reach another resource's keys.
 */
public final class Keys {

    private Keys() {
    }

    /** The key of one object; {@code namespace} is null for cluster-scoped resources. */
    public static String object(String prefix, String resource, String namespace, String name) {
        StringBuilder key = new StringBuilder(prefix).append('/').append(segment(resource));
        if (namespace != null) {
            key.append('/').append(segment(namespace));
        }
        return key.append('/').append(segment(name)).toString();
    }

    /**
     * The prefix of a list: every object of {@code resource}, or those in one namespace when it is not
     * null. Always ends in {@code /}.
     */
    public static String listPrefix(String prefix, String resource, String namespace) {
        StringBuilder key = new StringBuilder(prefix).append('/').append(segment(resource)).append('/');
        if (namespace != null) {
            key.append(segment(namespace)).append('/');
        }
        return key.toString();
    }

    /** Checks one key segment: not empty, not {@code .} or {@code ..}, no {@code /}. */
    public static String segment(String s) {
        if (s == null || s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('/') >= 0) {
            throw new IllegalArgumentException("invalid key segment: \"" + s + "\"");
        }
        return s;
    }
}
