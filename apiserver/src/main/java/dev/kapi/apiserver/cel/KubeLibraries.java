package dev.kapi.apiserver.cel;

import dev.cel.bundle.CelBuilder;
import dev.cel.common.CelOptions;
import dev.cel.extensions.CelExtensions;

/**
 * The CEL functions kube-apiserver adds to every environment it compiles expressions in (CRD validation
 * rules, admission policies, match conditions): the strings (with {@code format}), optional and sets
 * extensions and kube's lists, regex, URL, quantity, IP, CIDR and semver libraries; the strings extension's
 * {@code replace} and {@code join} are Kapi's ({@link KubeStrings}, bounded by the runtime cost budget). Shared by
 * every stage that evaluates CEL; it knows nothing of schemas or requests.
 */
public final class KubeLibraries {

    private KubeLibraries() {
    }

    /** Adds the extensions and kube's libraries (declarations and bindings) to {@code builder}. */
    public static CelBuilder addTo(CelBuilder builder, CelOptions options) {
        return builder
                .addCompilerLibraries(CelExtensions.strings(), CelExtensions.optional(), CelExtensions.sets(options))
                .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.optional(), CelExtensions.sets(options))
                .addFunctionDeclarations(KubeLists.declarations())
                .addFunctionDeclarations(KubeRegex.declarations())
                .addFunctionDeclarations(KubeUrls.declarations())
                .addFunctionDeclarations(KubeQuantities.declarations())
                .addFunctionDeclarations(KubeIps.declarations())
                .addFunctionDeclarations(KubeCidrs.declarations())
                .addFunctionDeclarations(KubeSemvers.declarations())
                .addFunctionDeclarations(KubeFormat.declarations())
                .addFunctionBindings(KubeStrings.bindings())
                .addFunctionBindings(KubeLists.bindings())
                .addFunctionBindings(KubeRegex.bindings())
                .addFunctionBindings(KubeUrls.bindings())
                .addFunctionBindings(KubeQuantities.bindings())
                .addFunctionBindings(KubeIps.bindings())
                .addFunctionBindings(KubeCidrs.bindings())
                .addFunctionBindings(KubeSemvers.bindings())
                .addFunctionBindings(KubeFormat.bindings());
    }
}
