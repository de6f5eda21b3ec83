package dev.kapi.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link KapiTest} asks of its server, as a value: equal settings share one server under
 * {@link KapiTest.Scope#SHARED}.
 */
record ServerSettings(String authorizationMode, List<String> enableAdmissionPlugins,
                      List<String> disableAdmissionPlugins, List<String> flags, List<String> crds,
                      List<Class<?>> crdClasses, boolean inMemory) {

    static ServerSettings of(KapiTest test) {
        return new ServerSettings(test.authorizationMode(), List.of(test.enableAdmissionPlugins()),
                List.of(test.disableAdmissionPlugins()), List.of(test.flags()), List.of(test.crds()),
                List.of(test.crdClasses()), test.inMemory());
    }

    /** The kube-apiserver flags these settings mean. */
    List<String> serverFlags() {
        List<String> out = new ArrayList<>();
        out.add("--authorization-mode=" + authorizationMode);
        if (!enableAdmissionPlugins.isEmpty()) {
            out.add("--enable-admission-plugins=" + String.join(",", enableAdmissionPlugins));
        }
        if (!disableAdmissionPlugins.isEmpty()) {
            out.add("--disable-admission-plugins=" + String.join(",", disableAdmissionPlugins));
        }
        out.addAll(flags);
        return out;
    }
}
