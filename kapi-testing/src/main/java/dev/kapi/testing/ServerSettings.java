package dev.kapi.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a {@link KapiTest} asks of its server, as a value: equal settings share one server under
 * {@link KapiTest.Scope#SHARED}.
 */
record ServerSettings(String authorizationMode, List<String> enableAdmissionPlugins,
                      List<String> disableAdmissionPlugins, List<String> flags, List<String> crds,
                      List<Class<?>> crdClasses, boolean inMemory) {

    /** Flags that have an attribute of their own. */
    private static final Map<String, String> ATTRIBUTES = Map.of("--authorization-mode", "authorizationMode",
            "--enable-admission-plugins", "enableAdmissionPlugins", "--disable-admission-plugins", "disableAdmissionPlugins");

    static ServerSettings of(KapiTest test) {
        return new ServerSettings(test.authorizationMode(), List.of(test.enableAdmissionPlugins()),
                List.of(test.disableAdmissionPlugins()), List.of(test.flags()), List.of(test.crds()),
                List.of(test.crdClasses()), test.inMemory());
    }

    /** The kube-apiserver flags these settings mean. */
    List<String> serverFlags() {
        for (String flag : flags) {
            ATTRIBUTES.forEach((name, attribute) -> {
                if (flag.equals(name) || flag.startsWith(name + "=")) {
                    throw new IllegalArgumentException("@KapiTest(flags) cannot set " + name + ": use @KapiTest("
                            + attribute + " = ...)");
                }
            });
        }
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
