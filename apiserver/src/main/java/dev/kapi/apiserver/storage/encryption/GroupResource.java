package dev.kapi.apiserver.storage.encryption;

/** A group and resource as an encryption rule names them; {@code *} stands for any. */
record GroupResource(String group, String resource) {

    static final String ANY = "*";
    static final GroupResource ALL = new GroupResource(ANY, ANY);

    /** kube's {@code schema.ParseGroupResource}: the resource up to the first dot, the group after it. */
    static GroupResource parse(String s) {
        int dot = s.indexOf('.');
        return dot < 0 ? new GroupResource("", s) : new GroupResource(s.substring(dot + 1), s.substring(0, dot));
    }

    @Override
    public String toString() {
        if (group.isEmpty()) {
            return resource.equals(ANY) ? "*." : resource;
        }
        return resource + "." + group;
    }
}
